package org.graft.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;
import org.graft.ops.Cases;
import org.graft.ops.relu.ReLULayer;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

public class SelfTestTest {

    /** Every kernel and layer row passes the quick selftest on the test device; this is the selftest's own CI run. */
    @Test
    void quickRunPassesEveryRowOnTheTestDevice() {
        Engine e = TestEngines.get();
        List<SelfTest.Row> streamed = new ArrayList<>();
        SelfTest.Report r = SelfTest.run(e, Effort.QUICK, 7, streamed::add);
        assertThat(streamed).isEqualTo(r.rows());
        assertThat(r.rows()).extracting(SelfTest.Row::name).containsExactlyElementsOf(Cases.all().stream().map(SelfTestCase::name).toList());
        for (SelfTest.Row row : r.rows()) {
            assertThat(row.passed()).as("%s: %s", row.name(), row.failures()).isTrue();
            assertThat(row.shapes()).as(row.name()).isPositive();
            assertThat(row.worstFraction()).as(row.name()).isLessThanOrEqualTo(1.0);
        }
        assertThat(r.passed()).isTrue();
        String table = print(r);
        assertThat(table).contains("kernel / layer").contains("Convolution gradient").contains(allPassed())
                .doesNotContain("FAIL");
    }

    @Test
    void aWrongKernelIsReportedWithItsNumbersAndTheOtherRowsStillRun() {
        Engine e = TestEngines.get();
        SelfTestCase wrong = SelfTestCase.of("Broken", "1e-6", (eng, effort, r, t) ->
                t.run("n=3", () -> t.compare("forward", new float[] {1f, 2f, 3.5f}, new float[] {1f, 2f, 3f}, 1e-6, 0)));
        SelfTestCase crash = SelfTestCase.of("Crashing", "exact", (eng, effort, r, t) -> {
            throw new IllegalStateException("kernel 'x' failed [CL_OUT_OF_RESOURCES (-5)]");
        });
        SelfTestCase empty = SelfTestCase.of("Empty", "exact", (eng, effort, r, t) -> { });
        SelfTestCase fine = SelfTestCase.of("Fine", "exact", (eng, effort, r, t) ->
                t.run("n=1", () -> t.compare("copy", new float[] {1f}, new float[] {1f}, 0, 0)));
        SelfTest.Report r = SelfTest.run(e, List.of(wrong, crash, empty, fine), Effort.QUICK, 1, null);
        assertThat(r.rows()).extracting(SelfTest.Row::passed).containsExactly(false, false, false, true);
        assertThat(r.passed()).isFalse();
        assertThat(r.failedRows()).isEqualTo(3);
        SelfTest.Row broken = r.rows().get(0);
        assertThat(broken.maxAbsError()).isEqualTo(0.5);
        String table = print(r);
        assertThat(table).contains("FAIL: 1 of 4 checks passed")
                .contains("FAILED Broken").contains("[n=3] forward: 1 of 3 values differ; worst at 2: got 3.50000000 expected 3.00000000")
                .contains("FAILED Crashing").contains("CL_OUT_OF_RESOURCES")
                .contains("FAILED Empty").contains("no comparison was made")
                .contains("docs/devices.md");
    }

    @Test
    void gradientCheckFindsAWrongBackwardPass() {
        Engine e = TestEngines.get();
        int[] shape = {2, 3, 4};
        float[] x = RandomData.distinct(new Random(3), 24, 0.1f);
        for (int i = 0; i < x.length; i++) {
            x[i] += x[i] >= 0 ? 0.05f : -0.05f; // away from ReLU's kink
        }
        try (LayerRig good = LayerRig.of(e, new ReLULayer("relu", new ReLULayer.Spec(0.1f)), shape);
             LayerRig bad = LayerRig.of(e, new ScaledBackward(new ReLULayer("relu", new ReLULayer.Spec(0.1f)), 1.1f), shape)) {
            good.bottom(0).upload(x);
            bad.bottom(0).upload(x);
            GradientCheck.Result ok = good.gradient(new GradientCheck(), new boolean[] {true}, Pass.test());
            assertThat(ok.passed()).as(ok.describe()).isTrue();
            assertThat(ok.checked()).isEqualTo(24);
            GradientCheck.Result wrong = bad.gradient(new GradientCheck(), new boolean[] {true}, Pass.test());
            assertThat(wrong.passed()).isFalse();
            assertThat(wrong.maxScaledError()).isGreaterThan(0.01);
            assertThat(wrong.describe()).contains("layer 'wrong'").contains("gradient of bottom[0]").contains("analytic").contains("numeric");
        }
    }

    private static String print(SelfTest.Report r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ReportTable.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), r);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A layer whose backward pass is off by a factor (a host round trip is fine in a test). */
    private static final class ScaledBackward extends Layer {
        private final Layer inner;
        private final float factor;

        ScaledBackward(Layer inner, float factor) {
            super("wrong");
            this.inner = inner;
            this.factor = factor;
        }

        @Override
        public String type() {
            return inner.type();
        }

        @Override
        public List<int[]> setUp(Engine engine, List<int[]> bottomShapes) {
            return inner.setUp(engine, bottomShapes);
        }

        @Override
        public void forward(List<Blob> bottom, List<Blob> top, Pass pass) {
            inner.forward(bottom, top, pass);
        }

        @Override
        public void backward(List<Blob> top, List<Blob> bottom, boolean[] propagateDown, Pass pass) {
            inner.backward(top, bottom, propagateDown, pass);
            float[] d = bottom.get(0).downloadDiff();
            for (int i = 0; i < d.length; i++) {
                d[i] *= factor;
            }
            bottom.get(0).uploadDiff(d);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** The summary line of a run in which every case of {@link Cases#all()} passed. */
    public static String allPassed() {
        int n = Cases.all().size();
        return "PASS: " + n + " of " + n + " checks passed";
    }
}
