package org.graft.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassSetsTest {
    /** The paper's four random splits (caffe-format.md A5). */
    static final List<String> PAPER_MASKS = List.of(
            "e461dae713eae8ffe916982a419c9c9ffb7c5719fb2497722ea5282be6642ccbd18322c1dc6ac1dba83203277f8353811834ef09b0798214cb977d76e922d1625013875de9d1fe1206c67cd4c50de280058f7ecc4ddb55970d02f56313a5da0cecb414a10c0d670f176b5f536dfade5b2ef59a305da86ea5ee8b0a51ce",
            "4541df4fdb2e7bb1c31044b5bd0bfdd05cc0e04ac28d31029621355ae9d67950e46d116fc5b09fc0cd857e3d3f476b23b83e228dc0fe389c5d62d438730ce8d46ddbf91c8db67ab84279304fefefc5353120647d0ac8d3b531a5ae34ac4d70469f7fa76a526f0e8ba5e4ea44c836ab346c36290b2b1dd4fb3221f331c0",
            "ace54354eedc399d710bdb971b0227ce39b736e82028052cfe10478057e9c5c154b54a0ad52cd07ca5dc46bd9d23a11eec8ae961de9c1ebf6dabaa5ef8be98c5b138d04b3db4cbe9b87c954e1fce48cdc557a1e8b870c6a7ba265e2140816f3876ee27d67087ca67357dea6527e68d54968ed9a8cfa9a7980a05244188",
            "87aa20c73a47461761e9136ef2d351bb913e4436282b672ef2745a7595d0d0d123145c2fbd92a373b6e316442796c034b0b2edfba09f85f421c08bb68429c693b2b1e9bfbb77bdb027d007dfeaf630f6ec5ad1bc47d043f16bf0dc8860a4fce7b2f775e2c7f836a0844e3421bb8c814be1c134b73a8a23aaf4061e99e0");

    @Test
    void eachPaperMaskSelectsFiveHundredOfTheThousandClasses() {
        for (String mask : PAPER_MASKS) {
            List<Integer> a = ClassSets.decodeBitmask(mask, 1000);
            assertThat(a).hasSize(500).isSorted().allMatch(c -> c >= 0 && c < 1000);
            assertThat(new HashSet<>(a)).hasSize(500);
            assertThat(ClassSets.encodeBitmask(a, 1000)).isEqualTo(mask);
        }
    }

    @Test
    void digitKCoversClasses4kTo4kPlus3WithClass4kAsTheHighBit() {
        // Split 0 starts "e4": e = 1110 → classes 0, 1, 2 (not 3); 4 = 0100 → class 5 only.
        assertThat(ClassSets.decodeBitmask(PAPER_MASKS.get(0), 1000).subList(0, 4)).containsExactly(0, 1, 2, 5);
        assertThat(ClassSets.decodeBitmask("8000", 16)).containsExactly(0);
        assertThat(ClassSets.decodeBitmask("1000", 16)).containsExactly(3);
        assertThat(ClassSets.decodeBitmask("000F", 16)).containsExactly(12, 13, 14, 15);
    }

    @Test
    void theFourPaperSplitsDiffer() {
        assertThat(new HashSet<>(PAPER_MASKS.stream().map(m -> ClassSets.decodeBitmask(m, 1000)).toList())).hasSize(4);
    }

    @Test
    void badMasksAreRejectedWithTheReason() {
        assertThatThrownBy(() -> ClassSets.decodeBitmask("abc", 1000)).hasMessageContaining("250 hex digits").hasMessageContaining("has 3");
        assertThatThrownBy(() -> ClassSets.decodeBitmask("8g00", 16)).hasMessageContaining("not a hex digit");
    }

    @Test
    void randomHalvesAreSeededSortedAndComplementary() {
        List<Integer> a = ClassSets.randomHalf(10, 5, 0);
        assertThat(a).hasSize(5).isSorted();
        assertThat(ClassSets.randomHalf(10, 5, 0)).isEqualTo(a);
        assertThat(ClassSets.randomHalf(10, 5, 1)).isNotEqualTo(a);
        List<Integer> b = ClassSets.complement(a, 10);
        assertThat(b).hasSize(5).doesNotContainAnyElementsOf(a);
        assertThatThrownBy(() -> ClassSets.randomHalf(10, 10, 0)).hasMessageContaining("1..9");
    }
}
