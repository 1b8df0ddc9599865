package org.graft.net.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads a net.json (format: docs/net-json.md) into a {@link NetConfig}. Everything is checked while
 * loading: malformed JSON, unknown fields, wrong value types, missing or out-of-range values, and how the
 * layers connect in each phase. Any problem is a {@link ConfigException} naming file, line, column and
 * JSON path. Relative paths in the file are resolved against the file's folder, so a net.json works from
 * any working directory.
 */
public final class NetConfigLoader {
    private static final List<String> TOP_FIELDS = List.of("name", "force_backward", "layers", "solver", "init");
    private static final List<String> INIT_FIELDS = List.of("weights");

    private NetConfigLoader() {
    }

    /** Reads and checks the net.json at {@code file}. */
    public static NetConfig load(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String text;
        try {
            byte[] bytes = Files.readAllBytes(abs);
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException(abs, 0, 0, "", "no such file");
        } catch (CharacterCodingException e) {
            throw new ConfigException(abs, 0, 0, "", "the file is not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(abs, 0, 0, "", "cannot read the file: " + e);
        }
        // Some Windows editors start UTF-8 files with a byte-order mark, which JSON does not allow.
        return parse(text.startsWith("\uFEFF") ? text.substring(1) : text, abs);
    }

    /**
     * Checks JSON text as if it had been read from {@code file}: messages name that file and relative
     * paths resolve against its folder. The file itself is not read.
     */
    public static NetConfig parse(String json, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Doc doc = new Doc(abs, abs.getParent());
        Node root = JsonTreeReader.read(json, abs);
        Fields f = Fields.of(doc, root, "the net", TOP_FIELDS);
        String name = f.requireString("name", "the network's name");
        boolean forceBackward = f.bool("force_backward", false);
        f.require("layers", "the list of layers");
        List<Node> layerNodes = f.array("layers");
        if (layerNodes.isEmpty()) {
            throw f.error("layers", "a net needs at least one layer");
        }
        LayerBinder binder = new LayerBinder(doc);
        List<LayerConfig> layers = new ArrayList<>();
        for (Node n : layerNodes) {
            layers.add(binder.bind(n));
        }
        NetChecks.check(doc, layerNodes, layers);
        SolverConfig solver = f.has("solver") ? SolverBinder.bind(doc, f.get("solver"), name) : null;
        InitConfig init = null;
        Fields initFields = f.object("init", "init", INIT_FIELDS);
        if (initFields != null) {
            init = new InitConfig(doc.asPath(initFields.require("weights", "the .caffemodel to copy weights from")));
        }
        return new NetConfig(name, forceBackward, layers, solver, init, abs);
    }
}
