package org.graft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClassSubsetTest {
    // 20 examples, label i mod 5.
    private final ArrayDataset base = new ArrayDataset(20, 1, 2, 2, 5);

    @Test
    void keepsListedClassesAndRelabelsInListOrder() {
        ClassSubset s = new ClassSubset(base, new int[] {3, 1});

        assertThat(s.size()).isEqualTo(8);
        assertThat(s.numClasses()).isEqualTo(2);
        int[] baseIdx = new int[s.size()];
        int[] labels = new int[s.size()];
        for (int i = 0; i < s.size(); i++) {
            baseIdx[i] = s.baseIndex(i);
            labels[i] = s.label(i);
        }
        assertThat(baseIdx).containsExactly(1, 3, 6, 8, 11, 13, 16, 18);
        // class 3 -> 0, class 1 -> 1
        assertThat(labels).containsExactly(1, 0, 1, 0, 1, 0, 1, 0);
        float[] img = new float[4];
        s.image(1, img, 0);
        assertThat(img[0]).isEqualTo(ArrayDataset.pixel(3, 0, 0, 0));
        assertThat(s.channels() * s.height() * s.width()).isEqualTo(4);
    }

    @Test
    void limitKeepsTheFirstExamplesAfterFiltering() {
        ClassSubset s = new ClassSubset(base, new int[] {0, 2}, 3);
        assertThat(s.size()).isEqualTo(3);
        assertThat(new int[] {s.baseIndex(0), s.baseIndex(1), s.baseIndex(2)}).containsExactly(0, 2, 5);
        assertThat(s.describe()).contains("limit 3");

        ClassSubset all = ClassSubset.limit(base, 7);
        assertThat(all.size()).isEqualTo(7);
        assertThat(all.numClasses()).isEqualTo(5);
        assertThat(all.label(6)).isEqualTo(base.label(6));
    }

    @Test
    void duplicatesAndOutOfRangeClassesAreErrors() {
        assertThatThrownBy(() -> new ClassSubset(base, new int[] {1, 4, 1})).isInstanceOf(DataException.class)
                .hasMessageContaining("class 1 appears twice");
        assertThatThrownBy(() -> new ClassSubset(base, new int[] {0, 5})).isInstanceOf(DataException.class)
                .hasMessageContaining("class 5").hasMessageContaining("range 0..4");
        assertThatThrownBy(() -> new ClassSubset(base, new int[] {-1})).isInstanceOf(DataException.class)
                .hasMessageContaining("class -1").hasMessageContaining("range 0..4");
        assertThatThrownBy(() -> new ClassSubset(base, new int[] {1}, 0)).isInstanceOf(DataException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> new ClassSubset(base, new int[0])).isInstanceOf(DataException.class)
                .hasMessageContaining("empty");
    }
}
