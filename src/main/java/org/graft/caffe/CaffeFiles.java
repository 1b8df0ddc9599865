package org.graft.caffe;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.graft.caffe.proto.Caffe.BlobProto;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.caffe.proto.Caffe.SolverParameter;
import org.graft.caffe.proto.Caffe.SolverState;
import org.graft.io.AtomicFiles;
import org.graft.io.HeapBudget;
import org.graft.io.InputFiles;
import org.graft.net.config.Closest;

/**
 * Reads and writes Caffe's files: binary nets ({@code .caffemodel}), text nets ({@code .prototxt}),
 * text solvers, binary solver states and binary blobs (mean files, {@code .binaryproto}).
 * <p>
 * Nets and solvers are upgraded to the current (V2) form on reading, as Caffe does ({@link NetUpgrader});
 * the {@code ...Raw} readers return them as stored. Unknown fields (written by forks of Caffe) are skipped
 * in both binary and text files. Every problem is a {@link CaffeFormatException} naming the file.
 * Writers are atomic: a temporary file in the same folder is written, synced, then renamed over the target,
 * so a crash never leaves a half-written snapshot under the real name.
 */
public final class CaffeFiles {
    /** Java arrays (and Caffe's own protobuf read limit, INT_MAX) cap a binary file at about 2 GiB. */
    private static final long MAX_BINARY_BYTES = Integer.MAX_VALUE - 8;

    private static final Pattern PARSE_POSITION = Pattern.compile("^-?\\d+:-?\\d+: ");

    // Unknown fields come from forks of Caffe; a field given twice is an error, as in Caffe's C++ parser.
    private static final TextFormat.Parser TEXT_PARSER = TextFormat.Parser.newBuilder()
            .setAllowUnknownFields(true)
            .setAllowUnknownExtensions(true)
            .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy.FORBID_SINGULAR_OVERWRITES)
            .build();

    private static final TextFormat.Parser STRICT_TEXT_PARSER = TextFormat.Parser.newBuilder()
            .setSingularOverwritePolicy(TextFormat.Parser.SingularOverwritePolicy.FORBID_SINGULAR_OVERWRITES)
            .build();

    /** Protobuf logs skipped fields itself; with --lenient they are reported one line each instead. */
    private static final java.util.logging.Logger PROTOBUF_TEXT_LOG = java.util.logging.Logger.getLogger(TextFormat.class.getName());

    static {
        PROTOBUF_TEXT_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private static volatile boolean lenient;

    private CaffeFiles() {
    }

    // ---------------------------------------------------------------------------------------- nets

    /** A binary net ({@code .caffemodel}, any vintage), upgraded to V2. */
    public static NetParameter readNet(Path file) {
        return NetUpgrader.upgrade(readNetRaw(file), file.toString());
    }

    /** A binary net exactly as stored (possibly V0/V1). */
    public static NetParameter readNetRaw(Path file) {
        return requireLayers(readBinary(file, NetParameter.parser(), "Caffe binary net"), file, "binary net");
    }

    /** A text net ({@code .prototxt}, any vintage), upgraded to V2. */
    public static NetParameter readNetText(Path file) {
        return NetUpgrader.upgrade(readNetTextRaw(file), file.toString());
    }

    /** A text net exactly as written (possibly V0/V1). */
    public static NetParameter readNetTextRaw(Path file) {
        NetParameter.Builder b = NetParameter.newBuilder();
        parseText(file, "Caffe text net", b);
        return requireLayers(b.build(), file, "text net");
    }

    /** Writes a binary net (e.g. a {@code .caffemodel} snapshot) atomically. */
    public static void writeNet(Path file, NetParameter net) {
        writeBinary(file, net, "Caffe binary net");
    }

    /** Writes a text net ({@code .prototxt}) atomically. */
    public static void writeNetText(Path file, NetParameter net) {
        byte[] text = TextFormat.printer().printToString(net).getBytes(StandardCharsets.UTF_8);
        writeAtomically(file, "Caffe text net", out -> out.write(text));
    }

    // ------------------------------------------------------------------------------------- solvers

    /** A text solver, with its legacy fields (solver_type, embedded old nets) upgraded. */
    public static SolverParameter readSolverText(Path file) {
        return NetUpgrader.upgradeSolver(readSolverTextRaw(file), file.toString());
    }

    /** A text solver exactly as written. */
    public static SolverParameter readSolverTextRaw(Path file) {
        SolverParameter.Builder b = SolverParameter.newBuilder();
        parseText(file, "Caffe solver", b);
        return b.build();
    }

    /** A binary solver state ({@code .solverstate}). */
    public static SolverState readSolverState(Path file) {
        return readBinary(file, SolverState.parser(), "Caffe solver state");
    }

    /** Writes a binary solver state atomically. */
    public static void writeSolverState(Path file, SolverState state) {
        writeBinary(file, state, "Caffe solver state");
    }

    // --------------------------------------------------------------------------------------- blobs

    /** A binary blob, e.g. a mean file ({@code .binaryproto}). */
    public static BlobProto readBlobProto(Path file) {
        return readBinary(file, BlobProto.parser(), "Caffe blob file");
    }

    /** Writes a binary blob atomically. */
    public static void writeBlobProto(Path file, BlobProto blob) {
        writeBinary(file, blob, "Caffe blob file");
    }

    // ------------------------------------------------------------------------------------- reading

    private static <T extends MessageLite> T readBinary(Path file, Parser<T> parser, String what) {
        byte[] bytes = readAll(file, what);
        try {
            // Parsing from an array bounds every length prefix by the bytes actually present, so a corrupt
            // length cannot trigger a huge allocation; the limit is raised as Caffe does (io.cpp).
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            T message = parser.parseFrom(in);
            in.checkLastTagWas(0);
            return message;
        } catch (InvalidProtocolBufferException e) {
            // Protobuf's own advice to call setSizeLimit() is for programmers; here the limit is already the
            // maximum, so such a message means a length field claims more than the file holds.
            String detail = e.getMessage() != null && e.getMessage().contains("setSizeLimit")
                    ? "a length field inside it claims more bytes than the file holds" : e.getMessage();
            throw new CaffeFormatException(what + " " + file + " (" + bytes.length + " bytes) is truncated or corrupt: "
                    + detail + textHint(bytes), e);
        }
    }

    /**
     * Skip fields Caffe does not know (a fork's extras) with one warning line each, instead of refusing
     * them; set per command by {@code --lenient}.
     */
    public static void lenient(boolean on) {
        lenient = on;
    }

    private static void parseText(Path file, String what, Message.Builder builder) {
        String text = new String(readAll(file, what), StandardCharsets.UTF_8);
        try {
            // Caffe refuses unknown fields; a misspelt one ("strde: 3") would otherwise leave its default silently.
            STRICT_TEXT_PARSER.merge(text, builder.clone());
        } catch (TextFormat.ParseException e) {
            List<String> unknown = unknownFields(e, builder.getDescriptorForType());
            if (!unknown.isEmpty() && !lenient) {
                throw new CaffeFormatException(what + " " + file + ":" + String.join("; ", unknown)
                        + " (Caffe refuses unknown fields; to skip a fork's extra fields knowingly, pass --lenient)", e);
            }
            for (String u : unknown) {
                System.err.println("warning: " + what + " " + file + ":" + u + "; skipped (--lenient)");
            }
        }
        try {
            TEXT_PARSER.merge(text, builder);
            String bad = nonFinite(builder, "");
            if (bad != null) {
                // Caffe's parser reads "nan" and "inf" as numbers; no setting means them, and they would
                // surface later as a confusing error far from the file (or as NaN weights).
                throw new CaffeFormatException(what + " " + file + ": " + bad + "; every number must be finite");
            }
        } catch (TextFormat.ParseException e) {
            String detail = e.getMessage() == null ? "syntax error" : PARSE_POSITION.matcher(e.getMessage()).replaceFirst("");
            String where = e.getLine() > 0 ? ":" + e.getLine() + ":" + e.getColumn() : "";
            throw new CaffeFormatException(what + " " + file + where + ": " + detail, e);
        }
    }

    /** The first float field holding NaN or an infinity, as "layer[1].convolution_param.weight_filler.std is nan", or null. */
    private static String nonFinite(com.google.protobuf.MessageOrBuilder m, String path) {
        for (java.util.Map.Entry<Descriptors.FieldDescriptor, Object> f : m.getAllFields().entrySet()) {
            Descriptors.FieldDescriptor d = f.getKey();
            List<?> values = d.isRepeated() ? (List<?>) f.getValue() : List.of(f.getValue());
            for (int i = 0; i < values.size(); i++) {
                String at = (path.isEmpty() ? "" : path + ".") + d.getName() + (d.isRepeated() ? "[" + i + "]" : "");
                Object v = values.get(i);
                if (v instanceof Float x && !Float.isFinite(x) || v instanceof Double y && !Double.isFinite(y)) {
                    return at + " is " + v;
                }
                if (v instanceof com.google.protobuf.MessageOrBuilder sub) {
                    String bad = nonFinite(sub, at);
                    if (bad != null) {
                        return bad;
                    }
                }
            }
        }
        return null;
    }

    private static final Pattern UNKNOWN_FIELD = Pattern.compile("(?m)^(\\d+):(\\d+):\\s+([\\w.]+)\\.(\\w+)$");

    /**
     * The unknown fields a strict parse reported, as "line:col: caffe.Type has no field 'x' (did you mean
     * 'y'?)"; empty when the error is of another kind (a syntax error is reported by the lenient parse).
     */
    private static List<String> unknownFields(TextFormat.ParseException e, Descriptors.Descriptor root) {
        List<String> out = new ArrayList<>();
        if (e.getMessage() == null || !e.getMessage().contains("unknown fields")) {
            return out;
        }
        java.util.regex.Matcher m = UNKNOWN_FIELD.matcher(e.getMessage());
        while (m.find()) {
            String type = m.group(3);
            String field = m.group(4);
            Descriptors.Descriptor d = root.getFile().findMessageTypeByName(type.substring(type.lastIndexOf('.') + 1));
            String close = d == null ? null : Closest.to(field, d.getFields().stream().map(Descriptors.FieldDescriptor::getName).toList());
            out.add(m.group(1) + ":" + m.group(2) + ": " + type.substring(type.indexOf('.') + 1) + " has no field '" + field + "'"
                    + (close != null ? " (did you mean '" + close + "'?)" : ""));
        }
        return out;
    }

    private static byte[] readAll(Path file, String what) {
        String problem = InputFiles.problem(file);
        if (problem != null) {
            throw new CaffeFormatException(what + " " + file + " " + problem);
        }
        try {
            long size = Files.size(file);
            if (size > MAX_BINARY_BYTES) {
                throw new CaffeFormatException(what + " " + file + " has " + size
                        + " bytes, more than the 2 GiB a protobuf file (and Caffe) can hold");
            }
            HeapBudget.require(size, what + " " + file);
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CaffeFormatException(what + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new CaffeFormatException(what + " " + file + " could not be read: " + e, e);
        } catch (OutOfMemoryError e) {
            throw new CaffeFormatException(what + " " + file + " does not fit in the Java heap; run java with a larger -Xmx", e);
        }
    }

    /** A net file without any layer is almost always the wrong file (e.g. a mean file or a solver state). */
    private static NetParameter requireLayers(NetParameter net, Path file, String what) {
        if (net.getLayerCount() == 0 && net.getLayersCount() == 0 && net.getInputCount() == 0) {
            throw new CaffeFormatException("Caffe " + what + " " + file + " holds no layers (field 'layer' or 'layers'); is it a net file?");
        }
        return net;
    }

    private static String textHint(byte[] bytes) {
        int n = Math.min(bytes.length, 64);
        if (n == 0) {
            return "";
        }
        for (int i = 0; i < n; i++) {
            int c = bytes[i] & 0xff;
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c > 0x7e) {
                return "";
            }
        }
        return " (the file starts like text: is it a .prototxt? read it as a text net)";
    }

    // ------------------------------------------------------------------------------------- writing

    private static void writeBinary(Path file, MessageLite message, String what) {
        int size = message.getSerializedSize();
        if (size < 0) {
            throw new CaffeFormatException(what + " for " + file + " would exceed 2 GiB, which protobuf cannot write");
        }
        writeAtomically(file, what, out -> {
            CodedOutputStream coded = CodedOutputStream.newInstance(out, 1 << 16);
            message.writeTo(coded);
            coded.flush();
        });
    }

    private static void writeAtomically(Path file, String what, AtomicFiles.Content content) {
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + what + " " + file + ": " + e, e);
        }
    }
}
