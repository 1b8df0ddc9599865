package org.graft.data;

import java.util.Arrays;

/**
 * The examples of a dataset whose labels are in an ordered class list, relabelled so that class
 * {@code classes[i]} becomes label i. This is how the paper's A/B halves are made (each half renumbers its
 * classes 0..N-1; pass the classes in ascending order to get the paper's numbering). An optional limit
 * keeps only the first N examples after filtering, for quick runs. Examples keep the base order.
 */
public final class ClassSubset implements Dataset {
    private final Dataset base;
    private final int[] classes;
    private final int[] indices;
    private final int[] labels;
    private final int limit;

    public ClassSubset(Dataset base, int[] classes) {
        this(base, classes, Integer.MAX_VALUE);
    }

    /** @param limit keep at most this many examples (the first ones after filtering); must be positive */
    public ClassSubset(Dataset base, int[] classes, int limit) {
        if (limit <= 0) {
            throw new DataException("class subset of " + base.describe() + ": limit must be positive, got " + limit);
        }
        if (classes.length == 0) {
            throw new DataException("class subset of " + base.describe() + ": the class list is empty");
        }
        int range = base.numClasses();
        int[] newLabel = new int[range];
        Arrays.fill(newLabel, -1);
        for (int i = 0; i < classes.length; i++) {
            int c = classes[i];
            if (c < 0 || c >= range) {
                throw new DataException("class subset of " + base.describe() + ": class " + c + " (list entry " + i + ") is outside the dataset's range 0.."
                        + (range - 1));
            }
            if (newLabel[c] >= 0) {
                throw new DataException("class subset of " + base.describe() + ": class " + c + " appears twice in the list (entries " + newLabel[c] + " and "
                        + i + ")");
            }
            newLabel[c] = i;
        }
        this.base = base;
        this.classes = classes.clone();
        this.limit = limit;
        int[] idx = new int[Math.min(base.size(), limit)];
        int[] lab = new int[idx.length];
        int n = 0;
        for (int i = 0; i < base.size() && n < idx.length; i++) {
            int l = newLabel[base.label(i)];
            if (l >= 0) {
                idx[n] = i;
                lab[n] = l;
                n++;
            }
        }
        if (n == 0) {
            throw new DataException("class subset of " + base.describe() + ": no example has a label in " + Arrays.toString(classes));
        }
        indices = Arrays.copyOf(idx, n);
        labels = Arrays.copyOf(lab, n);
    }

    /** The first {@code limit} examples of a dataset, all classes kept with their labels. */
    public static ClassSubset limit(Dataset base, int limit) {
        int[] all = new int[base.numClasses()];
        Arrays.setAll(all, i -> i);
        return new ClassSubset(base, all, limit);
    }

    /** The original class id of each new label. */
    public int[] classes() {
        return classes.clone();
    }

    /** Index in the base dataset of example i. */
    public int baseIndex(int i) {
        checkIndex(i);
        return indices[i];
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int channels() {
        return base.channels();
    }

    @Override
    public int height() {
        return base.height();
    }

    @Override
    public int width() {
        return base.width();
    }

    @Override
    public int numClasses() {
        return classes.length;
    }

    @Override
    public int label(int i) {
        checkIndex(i);
        return labels[i];
    }

    @Override
    public void image(int i, float[] dst, int offset) {
        checkIndex(i);
        base.image(indices[i], dst, offset);
    }

    @Override
    public String describe() {
        String list = classes.length <= 12 ? Arrays.toString(classes) : classes.length + " classes";
        return size() + " examples of " + list + (limit == Integer.MAX_VALUE ? "" : " (limit " + limit + ")") + " from " + base.describe();
    }
}
