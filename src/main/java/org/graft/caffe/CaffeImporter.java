package org.graft.caffe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.caffe.proto.Caffe.SolverParameter;
import org.graft.net.config.ConfigException;
import org.graft.net.config.NetBinder;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigWriter;

/**
 * Turns a Caffe net description ({@code .prototxt}, any vintage) and optionally its solver into a
 * {@link NetConfig}, i.e. a net.json. The net is first upgraded to V2 ({@link NetUpgrader}, Caffe's own
 * upgrade path), then each layer's Caffe leniencies are made explicit ({@link LayerImport}); a solver with separate
 * {@code train_net} and {@code test_net} files has them joined into one net with phases
 * ({@link PhaseMerge}). Caffe's relative paths are resolved as {@link CaffePaths} describes and written
 * absolute. The result is checked and bound by {@link NetBinder}, as every net is, as if read from the
 * file it will be written to, so an imported net loads exactly like a hand-written one.
 * <p>
 * Problems that stop the import are {@link CaffeFormatException}s naming the file and the layer;
 * things Caffe would silently ignore, and data paths that do not exist, are returned as warnings.
 */
public final class CaffeImporter {
    private static final Pattern COMMENT = Pattern.compile("#[^\n]*");
    private static final Pattern KEY = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*[:{]");
    private static final Pattern LAYER_PATH = Pattern.compile("^layers\\[(\\d+)]\\.?(.*)$");

    /** The imported net (validated, its {@code file} the target), its net.json text, the warnings, and the net files read. */
    public record Result(NetConfig config, String json, List<String> warnings, List<Path> sources) {
    }

    private final Path workingDir;
    private final List<String> warnings = new ArrayList<>();
    private final List<Path> sources = new ArrayList<>();

    private CaffeImporter(Path workingDir) {
        this.workingDir = workingDir.toAbsolutePath().normalize();
    }

    /** As {@link #importFiles(Path, Path, Path, Path)} with Caffe's working directory the current one. */
    public static Result importFiles(Path net, Path solver, Path target) {
        return importFiles(net, solver, target, Path.of(""));
    }

    /**
     * @param net        the net prototxt; may be null when the solver names the net ({@code net} or {@code train_net})
     * @param solver     the solver prototxt, or null for a net without training settings
     * @param target     where the net.json will be (or would be) written: errors name it and it becomes the
     *                   config's file
     * @param workingDir the directory Caffe would have been run from, for relative paths
     */
    public static Result importFiles(Path net, Path solver, Path target, Path workingDir) {
        return new CaffeImporter(workingDir).run(net, solver, target);
    }

    /** Imports a net already read and upgraded to V2 ({@code file} is where it came from, for paths and messages). */
    public static Result importNet(NetParameter v2, Path file, Path target, Path workingDir) {
        CaffeImporter imp = new CaffeImporter(workingDir);
        imp.sources.add(file);
        NetParameter net = NetParameter.newBuilder().setName(netName(v2, file)).setForceBackward(v2.getForceBackward())
                .addAllLayer(imp.layers(v2, file)).build();
        return imp.bind(net, file, target);
    }

    /**
     * True if {@code file} is a Caffe solver rather than a net: a text file that names a net ({@code net},
     * {@code train_net}, or one embedded) the way only a solver does.
     */
    public static boolean isSolverFile(Path file) {
        if (!Files.isRegularFile(file) || looksBinary(file)) {
            return false;
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
        // A look at the top-level keys is enough (and parsing a net as a solver would log its "unknown" fields).
        boolean namesNet = false;
        int depth = 0;
        for (String line : COMMENT.matcher(text).replaceAll("").split("\n")) {
            Matcher key = KEY.matcher(line);
            if (depth == 0 && key.find()) {
                String k = key.group(1);
                if (k.equals("layer") || k.equals("layers")) {
                    return false;
                }
                namesNet |= k.equals("net") || k.equals("train_net") || k.equals("net_param") || k.equals("train_net_param");
            }
            for (char c : line.toCharArray()) {
                depth += c == '{' ? 1 : c == '}' ? -1 : 0;
            }
        }
        return namesNet;
    }

    // ------------------------------------------------------------------------------------------

    private Result run(Path net, Path solver, Path target) {
        SolverParameter sp = null;
        CaffePaths solverPaths = null;
        if (solver != null) {
            requireText(solver, "solver");
            sp = NetUpgrader.upgradeSolver(CaffeFiles.readSolverTextRaw(solver), solver.toString(), warnings::add);
            solverPaths = new CaffePaths(workingDir, solver, warnings::add);
        }
        if (net == null && sp == null) {
            throw new IllegalArgumentException("give the net prototxt, or a solver that names it");
        }

        // The net (TRAIN and TEST, or TRAIN only when the solver has a separate test net).
        Path trainFile;
        NetParameter trainNet;
        Path testFile = null;
        NetParameter testNet = null;
        if (net != null) {
            trainFile = net;
            trainNet = readNet(net);
            if (sp != null) {
                String named = sp.hasNet() ? sp.getNet() : sp.hasTrainNet() ? sp.getTrainNet() : null;
                if (named != null && !sameFile(solverPaths.resolve(named, "net"), net)) {
                    warnings.add(solver + ": the solver names the net \"" + named + "\"; using " + net + " as given");
                }
            }
        } else if (sp.hasNet() || sp.hasTrainNet()) {
            String named = sp.hasNet() ? sp.getNet() : sp.getTrainNet();
            trainFile = solverPaths.resolve(named, sp.hasNet() ? "net" : "train_net");
            trainNet = readNet(trainFile);
        } else if (sp.hasNetParam() || sp.hasTrainNetParam()) {
            trainFile = solver;
            sources.add(solver);
            trainNet = NetUpgrader.upgrade(sp.hasNetParam() ? sp.getNetParam() : sp.getTrainNetParam(), solver.toString(), warnings::add);
        } else {
            throw new CaffeFormatException(solver + ": the solver names no net (net, train_net, net_param or train_net_param);"
                    + " give the net prototxt as well");
        }
        if (sp != null && !sp.hasNet() && !sp.hasNetParam()) {
            if (sp.getTestNetCount() > 0) {
                Path f = solverPaths.resolve(sp.getTestNet(0), "test_net");
                if (!sameFile(f, trainFile)) {
                    testFile = f;
                    testNet = readNet(f);
                }
            } else if (sp.getTestNetParamCount() > 0) {
                testFile = solver;
                sources.add(solver);
                testNet = NetUpgrader.upgrade(sp.getTestNetParam(0), solver.toString(), warnings::add);
            }
            if (sp.getTestNetCount() + sp.getTestNetParamCount() > 1) {
                warnings.add(solver + ": the solver has " + (sp.getTestNetCount() + sp.getTestNetParamCount())
                        + " test nets; Graft has one TEST phase and uses the first");
            }
        }

        List<LayerParameter> layers = layers(trainNet, trainFile);
        if (testNet != null) {
            layers = PhaseMerge.merge(PhaseMerge.forPhase(layers, Caffe.Phase.TRAIN),
                    PhaseMerge.forPhase(layers(testNet, testFile), Caffe.Phase.TEST));
        }
        NetParameter.Builder joined = NetParameter.newBuilder().setName(netName(trainNet, trainFile))
                .setForceBackward(trainNet.getForceBackward()).addAllLayer(layers);
        if (sp != null) {
            joined.setSolver(SolverImport.prepare(sp, solver, solverPaths, warnings::add));
            if (sp.getWeightsCount() > 0) {
                joined.setInit(Caffe.GraftInit.newBuilder().setWeights(solverPaths.resolve(sp.getWeights(0), "weights").toString()));
                if (sp.getWeightsCount() > 1) {
                    warnings.add(solver + ": " + sp.getWeightsCount() + " weights files; only the first is used");
                }
            }
        }
        return bind(joined.build(), trainFile, target);
    }

    private NetParameter readNet(Path file) {
        requireText(file, "net description");
        sources.add(file);
        return NetUpgrader.upgrade(CaffeFiles.readNetTextRaw(file), file.toString(), warnings::add);
    }

    private List<LayerParameter> layers(NetParameter v2, Path file) {
        CaffePaths paths = new CaffePaths(workingDir, file, warnings::add);
        LayerImport imp = new LayerImport(file, paths, warnings::add);
        List<LayerParameter> out = new ArrayList<>();
        List<LayerParameter> ls = v2.getLayerList();
        for (int i = 0; i < ls.size(); i++) {
            out.add(imp.prepare(ls.get(i), i));
        }
        if (out.isEmpty()) {
            throw new CaffeFormatException(file + ": the net has no layers");
        }
        return out;
    }

    /** Caffe allows an empty net name; net.json needs one, so the file's name stands in. */
    private static String netName(NetParameter net, Path file) {
        if (!net.getName().isBlank()) {
            return net.getName();
        }
        String f = file.getFileName().toString();
        int dot = f.lastIndexOf('.');
        return dot > 0 ? f.substring(0, dot) : f;
    }

    /**
     * Checks and binds the prepared net as any net is ({@link NetBinder}), as if read from {@code target}
     * (every path in it is absolute by now); its complaints are re-worded to name the Caffe layer.
     */
    private Result bind(NetParameter net, Path source, Path target) {
        try {
            NetConfig checked = NetBinder.bind(net, target);
            return new Result(checked, NetConfigWriter.toJson(checked), List.copyOf(warnings), List.copyOf(sources));
        } catch (ConfigException e) {
            throw new CaffeFormatException(source + ": " + where(e.jsonPath(), net) + e.problem(), e);
        }
    }

    private static String where(String jsonPath, NetParameter net) {
        if (jsonPath == null || jsonPath.isEmpty()) {
            return "";
        }
        Matcher m = LAYER_PATH.matcher(jsonPath);
        if (m.matches()) {
            int i = Integer.parseInt(m.group(1));
            if (i < net.getLayerCount()) {
                LayerParameter l = net.getLayer(i);
                return "layer '" + l.getName() + "' (" + l.getType() + ")" + (m.group(2).isEmpty() ? "" : " " + m.group(2)) + ": ";
            }
        }
        return jsonPath + ": ";
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            if (Files.exists(a) && Files.exists(b)) {
                return Files.isSameFile(a, b);
            }
        } catch (IOException e) {
            // fall through to the path comparison
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static void requireText(Path file, String what) {
        if (Files.isRegularFile(file) && looksBinary(file)) {
            throw new CaffeFormatException(file + " is a binary file, not a Caffe " + what + " (.prototxt text)"
                    + (file.toString().endsWith(".caffemodel") ? "; a .caffemodel holds weights: give it as the weights argument" : ""));
        }
    }

    /** Protobuf text is printable; a binary net (caffemodel) has control bytes within its first bytes. */
    public static boolean looksBinary(Path file) {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = head[i] & 0xff;
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') {
                return true;
            }
        }
        return false;
    }
}
