package org.graft.experiment;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** The class lists of splits: the paper's hex bitmasks, seeded random halves, and complements. */
public final class ClassSets {
    private ClassSets() {
    }

    /**
     * Decodes a class bitmask written as hex digits, the form in which caffe-format.md A5 records the paper's
     * random splits: digit k covers classes 4k..4k+3, class 4k being the digit's high bit (8). Returns the
     * classes whose bit is 1, ascending. The mask must have exactly numClasses / 4 digits.
     */
    public static List<Integer> decodeBitmask(String hex, int numClasses) {
        if (numClasses <= 0 || numClasses % 4 != 0) {
            throw new ExperimentException("a class bitmask needs a class count that is a positive multiple of 4, got " + numClasses);
        }
        String h = hex.trim();
        if (h.length() != numClasses / 4) {
            throw new ExperimentException("a bitmask for " + numClasses + " classes has " + numClasses / 4 + " hex digits; this one has " + h.length());
        }
        List<Integer> classes = new ArrayList<>();
        for (int k = 0; k < h.length(); k++) {
            int digit = Character.digit(h.charAt(k), 16);
            if (digit < 0) {
                throw new ExperimentException("bitmask digit " + k + " is '" + h.charAt(k) + "', not a hex digit");
            }
            for (int bit = 0; bit < 4; bit++) {
                if ((digit & (8 >> bit)) != 0) {
                    classes.add(4 * k + bit);
                }
            }
        }
        return classes;
    }

    /** The inverse of {@link #decodeBitmask}: the hex mask of {@code classes} among numClasses classes. */
    public static String encodeBitmask(List<Integer> classes, int numClasses) {
        int[] digits = new int[numClasses / 4];
        for (int c : classes) {
            digits[c / 4] |= 8 >> (c % 4);
        }
        StringBuilder sb = new StringBuilder();
        for (int d : digits) {
            sb.append(Character.forDigit(d, 16));
        }
        return sb.toString();
    }

    /**
     * A seeded random half: {@code size} of the classes 0..numClasses-1, ascending. The classes are shuffled by
     * Fisher–Yates with {@code java.util.SplittableRandom(seed)} (nextInt(i + 1) for i from the top down) and
     * the first {@code size} are kept, so a seed gives the same split on every machine and Java version.
     */
    public static List<Integer> randomHalf(int numClasses, int size, long seed) {
        if (size < 1 || size >= numClasses) {
            throw new ExperimentException("a random split of " + numClasses + " classes needs a half size in 1.." + (numClasses - 1) + ", got " + size);
        }
        int[] order = new int[numClasses];
        Arrays.setAll(order, i -> i);
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = numClasses - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        TreeSet<Integer> half = new TreeSet<>();
        for (int i = 0; i < size; i++) {
            half.add(order[i]);
        }
        return List.copyOf(half);
    }

    /** The classes 0..numClasses-1 that are not in {@code half}, ascending. */
    public static List<Integer> complement(List<Integer> half, int numClasses) {
        boolean[] in = new boolean[numClasses];
        for (int c : half) {
            if (c >= 0 && c < numClasses) {
                in[c] = true;
            }
        }
        List<Integer> rest = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            if (!in[c]) {
                rest.add(c);
            }
        }
        return rest;
    }

    /** Every class 0..numClasses-1. */
    public static List<Integer> all(int numClasses) {
        List<Integer> all = new ArrayList<>(numClasses);
        for (int c = 0; c < numClasses; c++) {
            all.add(c);
        }
        return all;
    }

    /**
     * A class list written as text, e.g. {@code 0-4,7,9} (ranges inclusive), ascending without repeats; a
     * malformed item is an IllegalArgumentException naming it.
     */
    public static List<Integer> parse(String text) {
        TreeSet<Integer> classes = new TreeSet<>();
        for (String item : text.split(",")) {
            String t = item.strip();
            try {
                int dash = t.indexOf('-', 1);
                int from = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).strip());
                int to = dash < 0 ? from : Integer.parseInt(t.substring(dash + 1).strip());
                if (from < 0 || to < from) {
                    throw new IllegalArgumentException("'" + t + "' is not a class id or a range low-high of non-negative ids");
                }
                for (int c = from; c <= to; c++) {
                    classes.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + t + "' is not a class id or a range like 0-4", e);
            }
        }
        return new ArrayList<>(classes);
    }
}
