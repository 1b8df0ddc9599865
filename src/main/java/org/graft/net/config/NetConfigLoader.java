package org.graft.net.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.graft.caffe.proto.Caffe;

/**
 * Loads a net.json (format: docs/net-json.md), the JSON form of caffe.proto's NetParameter, into a
 * {@link NetConfig}: {@link JsonTreeReader} parses the text keeping positions, {@link ProtoJsonReader}
 * reads it into the message by caffe.proto's descriptors, and {@link NetBinder} checks the message
 * (missing or out-of-range values, how the layers connect in each phase) as it does for every net. Any problem is a {@link ConfigException} naming file, line, column and
 * JSON path. Relative paths in the file are resolved against the file's folder, so a net.json works from
 * any working directory.
 */
public final class NetConfigLoader {
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
        ProtoJsonReader.Read<Caffe.NetParameter> read = ProtoJsonReader.readNet(doc, JsonTreeReader.read(json, abs));
        return NetBinder.bind(read.message(), read.locations());
    }
}
