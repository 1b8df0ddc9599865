package org.graft.ops.batchnorm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.layers.Phase;
import org.graft.net.NetBuilder;
import org.graft.net.config.ConfigException;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;
import org.graft.net.config.ParamSpec;
import org.graft.net.config.SolverConfig;
import org.graft.selftest.RandomData;
import org.graft.selftest.Tally;
import org.graft.solver.SgdSolver;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;

/**
 * What the case cannot express: the settings refused at their net.json line, the blobs kept away from the
 * solver (lr_mult 0 forced, weight decay never applied), the running sums accumulated over TRAIN steps,
 * and the TEST net (sharing the TRAIN net's blobs) normalising with them and leaving them alone.
 */
class BatchNormLayerTest {
    private static final Path FILE = Path.of("/nets/bn/net.json");
    private final Engine e = TestEngines.get();

    private static String net(String bn) {
        return """
                {"name": "bn", "layers": [
                  {"name": "in", "type": "Input", "top": ["data", "label"], "input_param": {"shape": [{"dim": [4, 3, 2, 2]}, {"dim": [4]}]}},
                  {"name": "bn", "type": "BatchNorm", "bottom": ["data"], "top": ["data"]%s},
                  {"name": "ip", "type": "InnerProduct", "bottom": ["data"], "top": ["ip"],
                   "inner_product_param": {"num_output": 3, "weight_filler": {"type": "gaussian", "std": 0.1}}},
                  {"name": "loss", "type": "SoftmaxWithLoss", "bottom": ["ip", "label"], "top": ["loss"]}
                ]}
                """.formatted(bn);
    }

    @Test
    void badSettingsAreRefusedAtTheirLine() {
        assertThatThrownBy(() -> NetConfigLoader.parse(net(", \"batch_norm_param\": {\"eps\": 0}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("net.json:3:")
                .hasMessageContaining("batch_norm_param.eps").hasMessageContaining("> 0");
        assertThatThrownBy(() -> NetConfigLoader.parse(net(", \"batch_norm_param\": {\"moving_average_fraction\": 1.5}"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("moving_average_fraction").hasMessageContaining("[0, 1]");
        // Caffe refuses a learning rate for the statistics too.
        assertThatThrownBy(() -> NetConfigLoader.parse(net(", \"param\": [{\"lr_mult\": 0}, {\"lr_mult\": 1}]"), FILE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("param[1].lr_mult")
                .hasMessageContaining("not learned by the solver");
    }

    @Test
    void theStatisticsHaveMultipliersZeroWhateverTheFileSays() {
        NetConfig given = NetConfigLoader.parse(net(", \"param\": [{\"lr_mult\": 0, \"decay_mult\": 1}]"), FILE);
        NetConfig none = NetConfigLoader.parse(net(""), FILE);
        for (NetConfig c : new NetConfig[] {given, none}) {
            for (int b = 0; b < 3; b++) {
                assertThat(c.layers().get(1).paramSpec(b)).isEqualTo(ParamSpec.of(0, 0));
            }
        }
        assertThat(given.layers().get(1).settings(BatchNormLayer.Spec.class)).isEqualTo(BatchNormLayer.Spec.DEFAULT);
    }

    @Test
    void trainStepsUpdateTheRunningSumsAndTheTestNetUsesThem() {
        NetConfig cfg = NetConfigLoader.parse(net(", \"batch_norm_param\": {\"moving_average_fraction\": 0.5}"), FILE);
        SolverConfig solver = SolverConfig.builder(0.5, SolverConfig.LrPolicy.FIXED, 10).momentum(0.9).weightDecay(0.1).build();
        int[] shape = {4, 3, 2, 2};
        Random r = new Random(3);
        float[] x = RandomData.uniform(r, 48, -2, 4);
        try (NetBuilder.PhaseNet train = NetBuilder.build(e, cfg, Phase.TRAIN, 1, null, 0);
             SgdSolver sgd = new SgdSolver(e, solver, train.net(), 1)) {
            train.net().fill(1);
            Layer bn = train.net().layer("bn");
            for (Param p : bn.params()) {
                assertThat(p.frozen()).as(p.name()).isTrue();
                assertThat(p.decayMult()).isZero();
                assertThat(p.blob().download()).containsOnly(0f);
            }
            train.net().blob("data").upload(x);
            train.net().blob("label").upload(new float[] {0, 1, 2, 1});
            float[] mean = new float[3];
            float[] var = new float[3];
            float factor = 0;
            for (int step = 0; step < 3; step++) {
                // The in-place BatchNorm overwrote the input: give it the same batch again.
                train.net().blob("data").upload(x);
                sgd.step();
                BatchNormReference.Forward ref = BatchNormReference.forward(x, shape, mean, var, factor, 0.5f, 1e-5f, false, true);
                mean = ref.meanSum();
                var = ref.varSum();
                factor = ref.factor();
                Tally.requireClose("mean sums after step " + step, bn.params().get(0).blob().download(), mean, 1e-6, 1e-5);
                Tally.requireClose("variance sums after step " + step, bn.params().get(1).blob().download(), var, 1e-6, 1e-5);
                Tally.requireClose("factor after step " + step, bn.params().get(2).blob().download(), new float[] {factor}, 0, 1e-6);
            }
            assertThat(factor).isEqualTo(1.75f);
            // The TEST net runs batch 2 on the same blobs.
            try (NetBuilder.PhaseNet test = NetBuilder.build(e, cfg, Phase.TEST, 1, null, 2, false, train.net())) {
                Layer testBn = test.net().layer("bn");
                assertThat(testBn.params().get(0).blob()).isSameAs(bn.params().get(0).blob());
                float[] sumsBefore = bn.params().get(0).blob().download();
                float[] other = RandomData.uniform(r, 24, -1, 1);
                test.net().blob("data").upload(other);
                test.net().forward(Pass.test());
                float[] expected = BatchNormReference.forward(other, new int[] {2, 3, 2, 2}, mean, var, factor, 0.5f, 1e-5f, true, false).y();
                Tally.requireClose("TEST output from the stored statistics", test.net().blob("data").download(), expected, 1e-6, 1e-5);
                assertThat(bn.params().get(0).blob().download()).as("TEST leaves the sums").containsExactly(sumsBefore);
                assertThat(bn.params().get(2).blob().download()).containsExactly(factor);
            }
        }
    }

    @Test
    void aTestPassWithBatchStatisticsLeavesTheSumsAlone() {
        BatchNormLayer layer = new BatchNormLayer("bn", new BatchNormLayer.Spec(false, 0.9f, 1e-5f));
        int[] shape = {3, 2};
        try (Blob x = new Blob(e, "x", shape); Blob y = new Blob(e, "y", shape); layer) {
            layer.setUp(e, List.of(shape));
            x.upload(new float[] {1, 2, 3, 5, 5, 8});
            layer.forward(List.of(x), List.of(y), Pass.test());
            Tally.requireClose("batch statistics in TEST", y.download(),
                    BatchNormReference.forward(x.download(), shape, new float[2], new float[2], 0, 0.9f, 1e-5f, false, false).y(), 1e-6, 1e-5);
            for (Param p : layer.params()) {
                assertThat(p.blob().download()).as(p.name()).containsOnly(0f);
            }
            layer.forward(List.of(x), List.of(y), Pass.train(0, 1));
            assertThat(layer.params().get(2).blob().download()).containsExactly(1f);
        }
    }
}
