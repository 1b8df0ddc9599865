package org.graft.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.graft.layers.Phase;
import org.junit.jupiter.api.Test;

class BatchLoaderTest {
    private static final ArrayDataset DATA = new ArrayDataset(10, 2, 6, 6, 4);
    private static final Transformer CROP_MIRROR = Transformer.forDataset(new Transformer.Spec(1f, true, 4, null, null), DATA);

    private static List<Batch> take(BatchLoader loader, int n) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(loader.next().copy());
        }
        return out;
    }

    private static void assertSameBatches(List<Batch> a, List<Batch> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).index()).isEqualTo(a.get(i).index());
            assertThat(b.get(i).data()).as("batch %d data", i).containsExactly(a.get(i).data());
            assertThat(b.get(i).labels()).as("batch %d labels", i).containsExactly(a.get(i).labels());
        }
    }

    /** The examples of a batch, read back from the identifying pixel values (crops keep the thousands). */
    private static int[] examples(Batch b) {
        int per = b.data().length / b.size();
        int[] ex = new int[b.size()];
        for (int j = 0; j < b.size(); j++) {
            ex[j] = ArrayDataset.exampleOf(b.data()[j * per]);
        }
        return ex;
    }

    @Test
    void sameSeedSameBatchesOtherSeedOtherBatches() {
        try (BatchLoader a = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, 3, 11);
                BatchLoader b = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, 3, 11);
                BatchLoader c = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, 3, 12)) {
            List<Batch> first = take(a, 12);
            assertSameBatches(first, take(b, 12));
            List<Batch> other = take(c, 12);
            long differing = 0;
            for (int i = 0; i < first.size(); i++) {
                if (!Arrays.equals(first.get(i).data(), other.get(i).data())) {
                    differing++;
                }
            }
            assertThat(differing).isGreaterThan(8);
        }
    }

    @Test
    void eachEpochIsAPermutationAndBatchesRunAcrossEpochBoundaries() {
        int batch = 3;
        int epochs = 6;
        try (BatchLoader loader = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, batch, 5)) {
            int[] seen = new int[DATA.size() * epochs];
            float[] labels = new float[seen.length];
            for (int b = 0; b * batch < seen.length; b++) {
                Batch x = loader.next();
                assertThat(x.index()).isEqualTo(b);
                assertThat(x.shape()).containsExactly(3, 2, 4, 4);
                int[] ex = examples(x);
                for (int j = 0; j < batch && b * batch + j < seen.length; j++) {
                    seen[b * batch + j] = ex[j];
                    labels[b * batch + j] = x.labels()[j];
                }
            }
            List<int[]> orders = new ArrayList<>();
            for (int e = 0; e < epochs; e++) {
                int[] epoch = Arrays.copyOfRange(seen, e * 10, e * 10 + 10);
                assertThat(epoch).as("epoch %d", e).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
                assertThat(epoch).isEqualTo(loader.epochOrder(e));
                orders.add(epoch);
                for (int k = 0; k < 10; k++) {
                    assertThat(labels[e * 10 + k]).isEqualTo(DATA.label(epoch[k]));
                }
            }
            assertThat(orders.stream().map(Arrays::toString).distinct().count()).as("epochs are reshuffled").isGreaterThan(4);
        }
    }

    @Test
    void seekReproducesTheBatchOfAnUninterruptedRun() {
        try (BatchLoader straight = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, 4, 3);
                BatchLoader resumed = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, 4, 3)) {
            List<Batch> all = take(straight, 20);
            for (int k : new int[] {17, 0, 9, 2, 19, 5}) {
                resumed.seek(k);
                assertThat(resumed.position()).isEqualTo(k);
                assertSameBatches(all.subList(k, Math.min(k + 2, 20)), take(resumed, Math.min(2, 20 - k)));
            }
        }
    }

    @Test
    void prefetchingDoesNotChangeResults() {
        try (BatchLoader sync = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, 7, 21, 0);
                BatchLoader async = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, 7, 21, 3);
                BatchLoader deep = new BatchLoader(DATA, CROP_MIRROR, Phase.TRAIN, 7, 21, 1)) {
            List<Batch> expected = take(sync, 15);
            assertSameBatches(expected, take(async, 15));
            List<Batch> mixed = new ArrayList<>(take(deep, 4));
            deep.seek(4); // a seek mid-run restarts the worker at the same place
            mixed.addAll(take(deep, 11));
            assertSameBatches(expected, mixed);
        }
    }

    @Test
    void testPhaseIsInOrderWrapsAroundAndRestarts() {
        try (BatchLoader loader = new BatchLoader(DATA, CROP_MIRROR, Phase.TEST, 4, 99)) {
            assertThat(examples(loader.next())).containsExactly(0, 1, 2, 3);
            assertThat(examples(loader.next())).containsExactly(4, 5, 6, 7);
            Batch third = loader.next();
            assertThat(examples(third)).containsExactly(8, 9, 0, 1);
            assertThat(third.labels()).containsExactly(0, 1, 0, 1);
            // Centre crop (offset 1, 1), no mirror: the first value is pixel (c 0, y 1, x 1).
            assertThat(third.data()[0]).isEqualTo(ArrayDataset.pixel(8, 0, 1, 1));
            assertThat(third.data()[1]).isEqualTo(ArrayDataset.pixel(8, 0, 1, 2));
            loader.resetTest();
            assertThat(examples(loader.next())).containsExactly(0, 1, 2, 3);
        }
    }

    @Test
    void workerExceptionIsRethrownWithItsCause() {
        ArrayDataset failing = new ArrayDataset(10, 1, 2, 2, 2, 6);
        for (int prefetch : new int[] {0, 3}) {
            try (BatchLoader loader = new BatchLoader(failing, null, Phase.TEST, 3, 0, prefetch)) {
                assertThat(examples(loader.next())).containsExactly(0, 1, 2);
                assertThat(examples(loader.next())).containsExactly(3, 4, 5);
                assertThatThrownBy(loader::next).isInstanceOf(DataException.class).hasMessageContaining("batch 2")
                        .hasRootCauseInstanceOf(IllegalStateException.class).hasRootCauseMessage("boom at 6");
                // It stays failed until repositioned.
                assertThatThrownBy(loader::next).isInstanceOf(DataException.class);
                loader.seek(0);
                assertThat(examples(loader.next())).containsExactly(0, 1, 2);
            }
        }
    }

    @Test
    void closeStopsTheWorkerThread() throws InterruptedException {
        long before = loaderThreads();
        BatchLoader loader = new BatchLoader(DATA, null, Phase.TRAIN, 2, 1);
        loader.next();
        assertThat(loaderThreads()).isEqualTo(before + 1);
        loader.close();
        assertThat(loaderThreads()).isEqualTo(before);
        assertThatThrownBy(loader::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static long loaderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().startsWith("graft-batch-loader")).count();
    }

    @Test
    void optionsAreChecked() {
        assertThatThrownBy(() -> new BatchLoader(DATA, null, Phase.TRAIN, 0, 1)).isInstanceOf(DataException.class).hasMessageContaining("batch size");
        Transformer wrong = new Transformer(Transformer.Spec.defaults(), 3, 6, 6);
        assertThatThrownBy(() -> new BatchLoader(DATA, wrong, Phase.TRAIN, 2, 1)).isInstanceOf(DataException.class)
                .hasMessageContaining("3×6×6").hasMessageContaining("2×6×6");
        try (BatchLoader l = new BatchLoader(DATA, null, Phase.TRAIN, 4, 1)) {
            assertThat(l.dataShape()).containsExactly(4, 2, 6, 6);
            assertThat(l.epochAt(5)).isEqualTo(2.0);
        }
    }
}
