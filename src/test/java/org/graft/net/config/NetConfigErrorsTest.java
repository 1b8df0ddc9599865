package org.graft.net.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of mistake in a net.json gives a ConfigException that names the file, the line and column
 * of the offending text (found here by searching the JSON for it), the JSON path and what was expected.
 */
class NetConfigErrorsTest {
    private static final Path FILE = Path.of("/nets/bad/net.json");

    /** A valid net with a slot where each test puts the layer under test. */
    private static String net(String layer) {
        return """
                {
                  "name": "bad",
                  "layers": [
                    {"name": "in", "type": "Input", "top": ["data", "label"], "input_param": {"shape": [{"dim": [2, 3, 8, 8]}]}},
                    %s
                  ]
                }
                """.formatted(layer);
    }

    private static String solver(String fields) {
        return """
                {
                  "name": "bad",
                  "layers": [{"name": "in", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [1]}]}}],
                  "solver": {%s}
                }
                """.formatted(fields);
    }

    private static ConfigException error(String json) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> NetConfigLoader.parse(json, FILE));
        assertThat(e).as("expected a ConfigException for:\n" + json).isNotNull();
        assertThat(e.file()).isEqualTo(FILE);
        assertThat(e.getMessage()).startsWith(FILE + ":" + e.line() + ":" + e.column() + ": ");
        return e;
    }

    /** Asserts the error points at the n-th (0-based) occurrence of {@code marker} in the JSON. */
    private static void assertAt(ConfigException e, String json, String marker, int occurrence) {
        int index = -1;
        for (int i = 0; i <= occurrence; i++) {
            index = json.indexOf(marker, index + 1);
        }
        assertThat(index).as("marker " + marker).isNotNegative();
        int line = 1 + (int) json.substring(0, index).chars().filter(c -> c == '\n').count();
        int column = index - json.lastIndexOf('\n', index - 1);
        assertThat(e.line()).as("line of " + e.getMessage()).isEqualTo(line);
        assertThat(e.column()).as("column of " + e.getMessage()).isEqualTo(column);
    }

    private static void assertAt(ConfigException e, String json, String marker) {
        assertAt(e, json, marker, 0);
    }

    @Test
    void aCaffeFieldGraftDoesNotImplementIsRefusedWithTheReason() {
        String json = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"],
                     "convolution_param": {"num_output": 4, "kernel_size": 3, "engine": "CAFFE"}}""");
        ConfigException e = error(json);
        assertAt(e, json, "\"engine\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].convolution_param.engine");
        assertThat(e.problem()).isEqualTo("\"engine\" is a Caffe field Graft does not implement: Graft has one engine");
    }

    @Test
    void theProtoNameOfTheLayerListWorksAndErrorsNameIt() {
        String json = net("""
                {"name": "r", "type": "ReLU", "bottom": ["nope"], "top": ["r"]}""").replace("\"layers\"", "\"layer\"");
        ConfigException e = error(json);
        assertAt(e, json, "\"nope\"");
        assertThat(e.jsonPath()).isEqualTo("layer[1].bottom[0]");
    }

    @Test
    void unknownFieldListsTheKnownOnesAndSuggestsTheClosest() {
        String json = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"],
                     "convolution_param": {"num_output": 4, "kernel": 3}}""");
        ConfigException e = error(json);
        assertAt(e, json, "\"kernel\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].convolution_param.kernel");
        assertThat(e.problem()).contains("unknown field \"kernel\" in convolution_param")
                .contains("did you mean \"kernel_h\"?").contains("known fields: num_output, bias_term, pad, kernel_size");
    }

    @Test
    void unknownLayerFieldIsReportedAtTheKey() {
        String json = net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r"], "blobs_lr": [1, 2]}""");
        ConfigException e = error(json);
        assertAt(e, json, "\"blobs_lr\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].blobs_lr");
        assertThat(e.problem()).contains("unknown field \"blobs_lr\" in a layer").contains("loss_weight, param, propagate_down, include");
    }

    @Test
    void aStringWhereAnIntegerBelongs() {
        String json = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"],
                     "convolution_param": {"num_output": "64", "kernel_size": 3}}""");
        ConfigException e = error(json);
        assertAt(e, json, "\"64\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].convolution_param.num_output");
        assertThat(e.problem()).isEqualTo("expected an integer, found \"64\" (a string)");
    }

    @Test
    void aFractionWhereAnIntegerBelongs() {
        String json = net("""
                {"name": "p", "type": "Pooling", "bottom": ["data"], "top": ["p"], "pooling_param": {"kernel_size": 2.5}}""");
        ConfigException e = error(json);
        assertAt(e, json, "2.5");
        assertThat(e.problem()).startsWith("expected an integer, found 2.5");
    }

    @Test
    void wrongTypesForBooleansListsAndObjects() {
        String boolJson = net("""
                {"name": "f", "type": "InnerProduct", "bottom": ["data"], "top": ["f"],
                     "inner_product_param": {"num_output": 2, "bias_term": "no"}}""");
        assertThat(error(boolJson).problem()).isEqualTo("expected true or false, found \"no\" (a string)");
        String listJson = net("""
                {"name": "r", "type": "ReLU", "bottom": "data", "top": ["r"]}""");
        ConfigException e = error(listJson);
        assertAt(e, listJson, "\"data\"", 1);
        assertThat(e.problem()).isEqualTo("expected an array [ ... ], found \"data\" (a string)");
        String objJson = net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r"], "relu_param": 0.1}""");
        assertThat(error(objJson).problem()).isEqualTo("expected relu_param to be an object { ... }, found 0.1 (a number with a fraction or exponent)");
    }

    @Test
    void missingRequiredValues() {
        String noName = net("""
                {"type": "ReLU", "bottom": ["data"], "top": ["r"]}""");
        ConfigException e = error(noName);
        assertAt(e, noName, "{\"type\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].name");
        assertThat(e.problem()).startsWith("missing required field \"name\"");

        String noNumOutput = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"], "convolution_param": {"kernel_size": 3}}""");
        e = error(noNumOutput);
        assertAt(e, noNumOutput, "{\"kernel_size\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].convolution_param.num_output");
        assertThat(e.problem()).contains("missing required field \"num_output\"");

        String noKernel = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"], "convolution_param": {"num_output": 3}}""");
        assertThat(error(noKernel).problem()).contains("missing required field \"kernel_size\" (or kernel_h and kernel_w)");

        String noParam = net("""
                {"name": "f", "type": "InnerProduct", "bottom": ["data"], "top": ["f"]}""");
        e = error(noParam);
        assertAt(e, noParam, "{\"name\": \"f\"");
        assertThat(e.problem()).contains("missing required field \"inner_product_param\"");

        String noSource = net("""
                {"name": "d", "type": "Data", "top": ["x"], "data_param": {"batch_size": 4, "backend": "CIFAR"}}""");
        assertThat(error(noSource).jsonPath()).isEqualTo("layers[1].data_param.source");

        String noLabels = net("""
                {"name": "d", "type": "Data", "top": ["x"], "data_param": {"source": "a.gz", "batch_size": 4, "backend": "IDX"}}""");
        assertThat(error(noLabels).problem()).contains("missing required field \"label_source\"");

        String noBaseLr = solver("\"lr_policy\": \"fixed\", \"max_iter\": 10");
        assertThat(error(noBaseLr).jsonPath()).isEqualTo("solver.base_lr");
    }

    @Test
    void unknownLayerTypeListsTheSupportedOnes() {
        String json = net("""
                {"name": "c", "type": "Convolutoin", "bottom": ["data"], "top": ["c"]}""");
        ConfigException e = error(json);
        assertAt(e, json, "\"Convolutoin\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].type");
        assertThat(e.problem()).contains("unknown or unsupported layer type \"Convolutoin\"")
                .contains("did you mean \"Convolution\"?")
                .contains("supported types: Input, Data, ImageData, Convolution, Pooling, LRN, ReLU, Dropout,"
                        + " InnerProduct, Softmax, SoftmaxWithLoss, Accuracy, Split");
    }

    @Test
    void badEnumValuesListTheAllowedOnes() {
        String pool = net("""
                {"name": "p", "type": "Pooling", "bottom": ["data"], "top": ["p"], "pooling_param": {"pool": "STOCHASTIC", "kernel_size": 2}}""");
        ConfigException e = error(pool);
        assertAt(e, pool, "\"STOCHASTIC\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].pooling_param.pool");
        assertThat(e.problem()).isEqualTo("expected one of \"MAX\", \"AVE\", found \"STOCHASTIC\" (stochastic pooling is not implemented)");

        String lower = net("""
                {"name": "p", "type": "Pooling", "bottom": ["data"], "top": ["p"], "pooling_param": {"pool": "max", "kernel_size": 2}}""");
        assertThat(error(lower).problem()).contains("case-sensitive: did you mean \"MAX\"?");

        String filler = net("""
                {"name": "f", "type": "InnerProduct", "bottom": ["data"], "top": ["f"],
                     "inner_product_param": {"num_output": 2, "weight_filler": {"type": "bilnear"}}}""");
        assertThat(error(filler).problem()).isEqualTo("expected one of \"constant\", \"gaussian\", \"uniform\", \"xavier\","
                + " \"msra\", \"positive_unitball\", \"bilinear\", found \"bilnear\"");

        String phase = net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r"], "include": [{"phase": "train"}]}""");
        e = error(phase);
        assertThat(e.jsonPath()).isEqualTo("layers[1].include[0].phase");
        assertThat(e.problem()).contains("\"TRAIN\", \"TEST\"");

        String policy = solver("\"base_lr\": 0.1, \"lr_policy\": \"cosine\", \"max_iter\": 10");
        e = error(policy);
        assertAt(e, policy, "\"cosine\"");
        assertThat(e.problem()).contains("\"fixed\", \"step\", \"multistep\", \"exp\", \"inv\", \"poly\", \"sigmoid\"");
    }

    @Test
    void duplicateLayerNamesInOnePhase() {
        String json = net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r1"]},
                    {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r2"], "include": [{"phase": "TEST"}]}""");
        ConfigException e = error(json);
        assertAt(e, json, "\"r\"", 1);
        assertThat(e.jsonPath()).isEqualTo("layers[2].name");
        assertThat(e.problem()).contains("duplicate layer name \"r\" in phase TEST").contains("layers[1] at line 5");
    }

    @Test
    void theSameNameInDifferentPhasesIsFine() {
        String json = net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r1"], "include": [{"phase": "TRAIN"}]},
                    {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r1"], "include": [{"phase": "TEST"}]}""");
        assertThat(NetConfigLoader.parse(json, FILE).layers()).hasSize(3);
    }

    @Test
    void aBottomNoEarlierLayerProduces() {
        String json = net("""
                {"name": "r", "type": "ReLU", "bottom": ["conv1"], "top": ["r"]}""");
        ConfigException e = error(json);
        assertAt(e, json, "\"conv1\"");
        assertThat(e.jsonPath()).isEqualTo("layers[1].bottom[0]");
        assertThat(e.problem()).isEqualTo("bottom \"conv1\" of layer \"r\" is not produced by any earlier layer in"
                + " phase TRAIN; blobs available here: data, label");
    }

    @Test
    void bottomsAreCheckedPerPhase() {
        String json = net("""
                {"name": "only_train", "type": "ReLU", "bottom": ["data"], "top": ["t"], "include": [{"phase": "TRAIN"}]},
                    {"name": "both", "type": "ReLU", "bottom": ["t"], "top": ["u"]}""");
        ConfigException e = error(json);
        assertAt(e, json, "\"t\"], \"top\": [\"u\"]");
        assertThat(e.problem()).contains("bottom \"t\" of layer \"both\" is not produced by any earlier layer in phase TEST");
    }

    @Test
    void aBlobWrittenTwiceOrInPlaceByTheWrongType() {
        String twice = net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["label"]}""");
        ConfigException e = error(twice);
        assertAt(e, twice, "\"label\"", 1);
        assertThat(e.problem()).contains("top \"label\" is already produced by layer \"in\" in phase TRAIN");

        String inPlace = net("""
                {"name": "p", "type": "Pooling", "bottom": ["data"], "top": ["data"], "pooling_param": {"kernel_size": 2}}""");
        assertThat(error(inPlace).problem()).contains("a Pooling layer cannot work in place");
    }

    @Test
    void malformedJsonIsReportedWithItsPosition() {
        String missingComma = """
                {
                  "name": "bad"
                  "layers": []
                }
                """;
        ConfigException e = error(missingComma);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.column()).isEqualTo(3);
        assertThat(e.problem()).startsWith("malformed JSON: Unexpected character");

        String trailingComma = """
                {"name": "bad", "layers": [
                  {"name": "in", "type": "Input", "top": ["x"], "input_param": {"shape": [{"dim": [1]}]}},
                ]}
                """;
        e = error(trailingComma);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.jsonPath()).isEqualTo("layers");

        String unterminated = "{\"name\": \"bad\", \"layers\": [";
        e = error(unterminated);
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.problem()).contains("end-of-input");

        assertThat(error("").problem()).contains("the file is empty");
        assertThat(error("[1, 2]").problem()).contains("expected a JSON object { ... } at the top level");
        assertThat(error("{\"name\": \"a\"} {}").problem()).contains("unexpected content after the end");

        String twiceKey = """
                {"name": "a",
                 "name": "b"}
                """;
        e = error(twiceKey);
        assertAt(e, twiceKey, "\"name\"", 1);
        assertThat(e.problem()).contains("field \"name\" is given twice (first at line 1, column 2)");
    }

    @Test
    void kernelGivenTwoWaysOrHalfGiven() {
        String both = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"],
                     "convolution_param": {"num_output": 4, "kernel_size": 3, "kernel_h": 3, "kernel_w": 3}}""");
        ConfigException e = error(both);
        assertThat(e.jsonPath()).isEqualTo("layers[1].convolution_param.kernel_h");
        assertThat(e.problem()).isEqualTo("give either kernel_size or kernel_h and kernel_w, not both");

        String half = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"],
                     "convolution_param": {"num_output": 4, "kernel_w": 3}}""");
        assertThat(error(half).problem()).isEqualTo("kernel_w needs kernel_h as well (or use kernel_size for both axes)");

        String three = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"],
                     "convolution_param": {"num_output": 4, "kernel_size": [3, 3, 3]}}""");
        assertThat(error(three).problem()).contains("expected 1 or 2 values");
    }

    @Test
    void valuesOutOfRange() {
        assertThat(error(net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"], "convolution_param": {"num_output": 4, "kernel_size": 0}}"""))
                .problem()).isEqualTo("expected a positive integer (>= 1), found 0");
        assertThat(error(net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"], "convolution_param": {"num_output": 4, "kernel_size": 3, "stride": [0]}}"""))
                .jsonPath()).isEqualTo("layers[1].convolution_param.stride[0]");
        assertThat(error(net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"], "convolution_param": {"num_output": 4, "kernel_size": 3, "pad": -1}}"""))
                .problem()).isEqualTo("expected an integer >= 0, found -1");
        assertThat(error(net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"], "convolution_param": {"num_output": 6, "kernel_size": 3, "group": 4}}"""))
                .problem()).contains("num_output (6) must be divisible by group");
        String dropout = net("""
                {"name": "d", "type": "Dropout", "bottom": ["data"], "top": ["data"], "dropout_param": {"dropout_ratio": 1.0}}""");
        ConfigException e = error(dropout);
        assertAt(e, dropout, "1.0");
        assertThat(e.problem()).isEqualTo("expected dropout_ratio in [0, 1), found 1.0");
        assertThat(error(net("""
                {"name": "n", "type": "LRN", "bottom": ["data"], "top": ["n"], "lrn_param": {"local_size": 4}}"""))
                .problem()).contains("expected an odd local_size");
        assertThat(error(net("""
                {"name": "p", "type": "Pooling", "bottom": ["data"], "top": ["p"], "pooling_param": {"kernel_size": 2, "pad": 2}}"""))
                .problem()).contains("must be smaller than the kernel");
        assertThat(error(net("""
                {"name": "p", "type": "Pooling", "bottom": ["data"], "top": ["p"], "pooling_param": {"global_pooling": true, "kernel_size": 2}}"""))
                .problem()).contains("global_pooling uses the whole input");
        assertThat(error(net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"], "convolution_param": {"num_output": 99999999999, "kernel_size": 1}}"""))
                .problem()).contains("expected an integer between");
        assertThat(error(net("""
                {"name": "f", "type": "InnerProduct", "bottom": ["data"], "top": ["f"], "inner_product_param": {"num_output": 0, "axis": 2}}"""))
                .jsonPath()).isEqualTo("layers[1].inner_product_param.num_output");
        assertThat(error(net("""
                {"name": "a", "type": "Accuracy", "bottom": ["data", "label"], "top": ["a"], "accuracy_param": {"top_k": 0, "axis": -1}}"""))
                .jsonPath()).isEqualTo("layers[1].accuracy_param.top_k");
        assertThat(error(net("""
                {"name": "d", "type": "Data", "top": ["x"], "data_param": {"source": "a", "batch_size": 4, "backend": "CIFAR", "classes": [1, 2, 1]}}"""))
                .jsonPath()).isEqualTo("layers[1].data_param.classes[2]");
    }

    @Test
    void layerShapeRules() {
        assertThat(error(net("""
                {"name": "c", "type": "Convolution", "bottom": [], "top": ["c"], "convolution_param": {"num_output": 4, "kernel_size": 3}}"""))
                .problem()).isEqualTo("a Convolution layer takes exactly 1 bottom, found 0");
        assertThat(error(net("""
                {"name": "l", "type": "SoftmaxWithLoss", "bottom": ["data"], "top": ["l"]}"""))
                .problem()).isEqualTo("a SoftmaxWithLoss layer takes exactly 2 bottoms, found 1");
        String misplaced = net("""
                {"name": "c", "type": "Convolution", "bottom": ["data"], "top": ["c"], "pooling_param": {"kernel_size": 3}}""");
        ConfigException e = error(misplaced);
        assertAt(e, misplaced, "\"pooling_param\"");
        assertThat(e.problem()).isEqualTo("\"pooling_param\" does not apply to a Convolution layer (a Convolution layer"
                + " takes convolution_param)");
        assertThat(error(net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r"], "param": [{"lr_mult": 0}]}"""))
                .problem()).contains("has 0 learnable blob(s), but 1 param entries are given");
        String shapes = """
                {"name": "n", "layers": [
                  {"name": "in", "type": "Input", "top": ["a", "b", "c"], "input_param": {"shape": [{"dim": [1]}, {"dim": [2]}]}}
                ]}
                """;
        e = error(shapes);
        assertAt(e, shapes, "[{\"dim\"");
        assertThat(e.jsonPath()).isEqualTo("layers[0].input_param.shape");
        assertThat(e.problem()).isEqualTo("expected one shape for all tops or one per top (3), found 2");
        assertThat(error(net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r"], "loss_weight": [1, 2]}"""))
                .problem()).contains("expected one loss weight per top (1), found 2");
        assertThat(error(net("""
                {"name": "r", "type": "ReLU", "bottom": ["data"], "top": ["r"], "include": [{"phase": "TEST"}], "exclude": [{}]}"""))
                .problem()).contains("either include or exclude");
    }

    @Test
    void solverRules() {
        String step = solver("\"base_lr\": 0.1, \"lr_policy\": \"step\", \"gamma\": 0.1, \"max_iter\": 10");
        ConfigException e = error(step);
        assertAt(e, step, "\"step\"");
        assertThat(e.jsonPath()).isEqualTo("solver.stepsize");
        assertThat(e.problem()).startsWith("lr_policy \"step\" needs \"stepsize\"");
        assertThat(error(solver("\"base_lr\": 0.1, \"lr_policy\": \"inv\", \"gamma\": 0.1, \"max_iter\": 10"))
                .jsonPath()).isEqualTo("solver.power");
        assertThat(error(solver("\"base_lr\": 0.1, \"lr_policy\": \"multistep\", \"gamma\": 0.1, \"max_iter\": 10"))
                .jsonPath()).isEqualTo("solver.stepvalue");
        assertThat(error(solver("\"base_lr\": 0.1, \"lr_policy\": \"multistep\", \"gamma\": 0.1, \"stepvalue\": [5, 5], \"max_iter\": 10"))
                .problem()).contains("strictly increasing");
        assertThat(error(solver("\"base_lr\": 0.1, \"lr_policy\": \"fixed\", \"max_iter\": 10, \"iter_size\": 2"))
                .problem()).contains("only iter_size 1");
        assertThat(error(solver("\"base_lr\": 0.1, \"lr_policy\": \"fixed\", \"max_iter\": 10, \"type\": \"Adam\""))
                .problem()).contains("only the \"SGD\" solver");
        assertThat(error(solver("\"base_lr\": 0.1, \"lr_policy\": \"fixed\", \"max_iter\": 10, \"test_interval\": 100"))
                .jsonPath()).isEqualTo("solver.test_iter");
        assertThat(error(solver("\"base_lr\": 0.1, \"lr_policy\": \"fixed\", \"max_iter\": 10, \"solver_mode\": \"GPU\""))
                .problem()).isEqualTo("\"solver_mode\" is a Caffe field Graft does not implement: the device is chosen on the command line");
    }

    @Test
    void anUnreadableFileIsAConfigExceptionToo(@TempDir Path dir) {
        Path missing = dir.resolve("nope.json");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> NetConfigLoader.load(missing));
        assertThat(e.file()).isEqualTo(missing.toAbsolutePath());
        assertThat(e.line()).isZero();
        assertThat(e.getMessage()).isEqualTo(missing.toAbsolutePath() + ": no such file");
    }
}
