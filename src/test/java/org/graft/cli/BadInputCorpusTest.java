package org.graft.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.graft.caffe.CaffeFiles;
import org.graft.caffe.CaffeWeights;
import org.graft.caffe.CaffeWeights.LayerBlobs;
import org.graft.caffe.CaffeWeights.WeightBlob;
import org.graft.caffe.proto.Caffe.SolverState;
import org.graft.testing.CliRun;
import org.graft.testing.TinyProblem;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 12: a small corpus of bad inputs, generated here, over every input class (net.json, prototxt,
 * solver, solverstate, caffemodel, IDX, .npy, experiment.json, command line). Each must end with exit
 * code ≠ 0, one "error:" line naming the file or field, no stack trace, and no file created or changed.
 */
class BadInputCorpusTest {
    private static final String BACKEND = System.getProperty("graft.backend", "jocl");

    @TempDir
    Path dir;

    /** Writes the case's files into the folder; returns the command line ({dir} stands for the folder). */
    @FunctionalInterface
    interface Setup {
        void write(Path dir) throws Exception;
    }

    record Case(String name, Setup setup, List<String> args, List<String> fragments) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case of(String name, Setup setup, String args, String... fragments) {
        return new Case(name, setup, List.of(args.split(" ")), List.of(fragments));
    }

    // ------------------------------------------------------------------------------------ fixtures

    private static Path net(Path dir) throws IOException {
        return TinyProblem.write(dir, ", \"max_iter\": 4, \"snapshot\": 2, \"test_iter\": 1, \"test_interval\": 2", "");
    }

    private static void edit(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertThat(text).contains(from);
        Files.writeString(file, text.replace(from, to));
    }

    /** The tiny net's learned blobs (conv1 6×1×3×3, fc2 16×150, fc3 3×16 and biases), all {@code value}. */
    private static List<LayerBlobs> blobs(float value) {
        return List.of(layer("conv1", value, 6, 1, 3, 3), layer("fc2", value, 16, 150), layer("fc3", value, 3, 16));
    }

    private static LayerBlobs layer(String name, float value, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] w = new float[n];
        Arrays.fill(w, value);
        float[] b = new float[shape[0]];
        Arrays.fill(b, value);
        return new LayerBlobs(name, "", List.of(new WeightBlob(shape, w, false), new WeightBlob(new int[] {shape[0]}, b, false)));
    }

    private static void model(Path file, List<LayerBlobs> layers) {
        CaffeFiles.writeNet(file, CaffeWeights.toNet("tiny", layers));
    }

    /** A solver state at {@code iter} for the tiny net, its history all {@code history}. */
    private static void state(Path dir, int iter, float history) {
        model(dir.resolve("m.caffemodel"), blobs(0.01f));
        SolverState.Builder st = SolverState.newBuilder().setIter(iter).setLearnedNet("m.caffemodel");
        for (LayerBlobs l : blobs(history)) {
            for (WeightBlob b : l.blobs()) {
                st.addHistory(CaffeWeights.encode(b.shape(), b.data()));
            }
        }
        CaffeFiles.writeSolverState(dir.resolve("s.solverstate"), st.build());
    }

    private static void gzipIdx(Path file, int declared, int actual) throws IOException {
        try (OutputStream raw = Files.newOutputStream(file); DataOutputStream d = new DataOutputStream(new GZIPOutputStream(raw))) {
            d.writeInt(0x803);
            d.writeInt(declared);
            d.writeInt(10);
            d.writeInt(10);
            d.write(new byte[actual * 100]);
        }
    }

    private static void npy(Path file, String header) throws IOException {
        byte[] h = (header + "\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + 4];
        System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0}, 0, out, 0, 10);
        System.arraycopy(h, 0, out, 10, h.length);
        Files.write(file, out);
    }

    // --------------------------------------------------------------------------------------- cases

    static Stream<Case> corpus() {
        List<Case> c = new ArrayList<>();
        // net.json
        c.add(of("net.json malformed", d -> edit(net(d), "\"layers\": [", "\"layers\" ["), "train {dir}/net.json", "net.json"));
        c.add(of("net.json misspelt field", d -> edit(net(d), "\"kernel_size\": 3", "\"kernal_size\": 3"), "train {dir}/net.json",
                "net.json", "kernel_size"));
        c.add(of("net.json is a directory", d -> Files.createDirectories(d.resolve("net.json")), "train {dir}/net.json",
                "net.json is a directory, not a file"));
        c.add(of("Input shape overflows", d -> Files.writeString(d.resolve("big.json"), """
                {"name": "big", "layers": [
                  {"name": "in", "type": "Input", "top": ["data"], "input_param": {"shape": [{"dim": [65536, 65536, 65536, 65536]}]}},
                  {"name": "ip", "type": "InnerProduct", "bottom": ["data"], "top": ["ip"], "inner_product_param": {"num_output": 2}}]}
                """), "time {dir}/big.json --iterations 1", "layer 'in'", "input_param.shape"));
        c.add(of("batch_size 2^31-1", d -> edit(net(d), "\"batch_size\": 16", "\"batch_size\": 2147483647"), "train {dir}/net.json",
                "batch_size 2147483647"));
        // prototxt and solver
        c.add(of("prototxt unsupported layer", d -> Files.writeString(d.resolve("n.prototxt"),
                "layer { name: \"in\" type: \"Input\" top: \"x\" input_param { shape { dim: 1 dim: 2 } } }\n"
                        + "layer { name: \"rnn\" type: \"LSTM\" bottom: \"x\" top: \"y\" }\n"),
                "train {dir}/n.prototxt", "layer 'rnn'", "LSTM"));
        c.add(of("solver prototxt syntax", d -> Files.writeString(d.resolve("solver.prototxt"), "net: \"n.prototxt\"\nbase_lr: {\n"),
                "train {dir}/solver.prototxt", "solver.prototxt"));
        // solverstate
        c.add(of("solverstate garbage", d -> {
            net(d);
            Files.write(d.resolve("s.solverstate"), new byte[] {(byte) 0xA2, 0x06, (byte) 0xFF, (byte) 0xFF, 0x7F});
        }, "train {dir}/net.json --resume {dir}/s.solverstate", "s.solverstate"));
        c.add(of("solverstate NaN history", d -> {
            net(d);
            state(d, 2, Float.NaN);
        }, "train {dir}/net.json --resume {dir}/s.solverstate", "s.solverstate", "history blob 0"));
        c.add(of("resume beyond max_iter", d -> {
            net(d);
            state(d, 10, 0f);
        }, "train {dir}/net.json --resume {dir}/s.solverstate", "--resume", "max_iter 4"));
        // caffemodel
        c.add(of("caffemodel NaN weights", d -> {
            net(d);
            model(d.resolve("nan.caffemodel"), blobs(Float.NaN));
        }, "test {dir}/net.json --weights {dir}/nan.caffemodel --iterations 1", "nan.caffemodel", "layer 'conv1' blob 0"));
        c.add(of("caffemodel layer twice", d -> {
            net(d);
            List<LayerBlobs> twice = new ArrayList<>(blobs(0.1f));
            twice.add(twice.get(0));
            model(d.resolve("twice.caffemodel"), twice);
        }, "test {dir}/net.json --weights {dir}/twice.caffemodel --iterations 1", "twice.caffemodel", "'conv1'"));
        c.add(of("caffemodel lacks a layer", d -> {
            net(d);
            model(d.resolve("part.caffemodel"), blobs(0.1f).subList(0, 2));
        }, "test {dir}/net.json --weights {dir}/part.caffemodel --iterations 1", "part.caffemodel", "fc3"));
        // IDX
        c.add(of("IDX labels beyond the outputs", d -> {
            net(d);
            Path labels = d.resolve("train-labels.idx");
            byte[] b = Files.readAllBytes(labels);
            b[8 + 5] = (byte) 255;
            Files.write(labels, b);
        }, "train {dir}/net.json", "train-labels.idx", "example 5 ", "label 255"));
        c.add(of("IDX gzip header declares 3,000,000 images", d -> {
            net(d);
            gzipIdx(d.resolve("train-images.idx"), 3_000_000, 240);
        }, "train {dir}/net.json", "train-images.idx", "3000000×10×10"));
        c.add(of("IDX source is a directory", d -> {
            net(d);
            Files.delete(d.resolve("test-images.idx"));
            Files.createDirectories(d.resolve("test-images.idx"));
        }, "train {dir}/net.json", "test-images.idx is a directory, not a file"));
        // .npy
        c.add(of(".npy duplicate header key", d -> {
            net(d);
            npy(d.resolve("in.npy"), "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'shape': (1,), }");
        }, "forward {dir}/net.json --input {dir}/in.npy -o {dir}/out", "in.npy", "'shape' twice"));
        c.add(of(".npy is /dev/zero", d -> {
            assumeTrue(Files.exists(Path.of("/dev/zero")));
            net(d);
        }, "forward {dir}/net.json --input /dev/zero -o {dir}/out", "/dev/zero is a device"));
        // experiment.json
        c.add(of("experiment class range 0-2147483646", d -> {
            net(d);
            Files.writeString(d.resolve("exp.json"), "{\"name\": \"e\", \"net\": \"net.json\", \"splits\": [{\"name\": \"s\", \"a\": [\"0-2147483646\"]}]}");
        }, "transfer plan {dir}/exp.json {dir}/plan", "exp.json", "0-2147483646"));
        c.add(of("experiment tolerance 1e999", d -> {
            net(d);
            Files.writeString(d.resolve("exp.json"), "{\"name\": \"e\", \"net\": \"net.json\", \"splits\": [{\"name\": \"s\", \"random\": {}}],"
                    + " \"report\": {\"tolerance\": 1e999}}");
        }, "transfer plan {dir}/exp.json {dir}/plan", "tolerance"));
        // command line
        c.add(of("--max-iter -1", d -> net(d), "train {dir}/net.json --max-iter -1", "--max-iter", "[1, 2147483647]"));
        return c.stream();
    }

    private static Map<String, String> tree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.toList()) {
                out.put(root.relativize(p).toString(), Files.isRegularFile(p) ? Arrays.toString(Files.readAllBytes(p)).hashCode() + "" : "dir");
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedInOneLineWithoutTraceAndWithoutWritingAnything(Case bad) throws Exception {
        bad.setup().write(dir);
        Map<String, String> before = tree(dir);
        List<String> args = new ArrayList<>();
        for (String a : bad.args()) {
            args.add(a.replace("{dir}", dir.toString()));
        }
        if (!args.get(0).equals("transfer")) {
            args.addAll(List.of("--backend", BACKEND));
        }
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isNotZero();
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertThat(errors).as(r.err()).hasSize(1);
        assertThat(errors.get(0)).contains(bad.fragments());
        assertThat(r.err().lines().filter(l -> !l.startsWith("error: ") && !l.startsWith("warning: ")
                && !l.equals("(set GRAFT_DEBUG=1 for the stack trace)"))).as(r.err()).isEmpty();
        assertThat(r.err()).doesNotContain("\tat ", "Exception");
        assertThat(tree(dir)).as("files created or changed").isEqualTo(before);
    }
}
