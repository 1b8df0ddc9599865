package org.graft.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.graft.io.HeapBudget;
import org.graft.io.InputFiles;

/**
 * NumPy's {@code .npy} format, float32 only: what the {@code forward} command reads its input from and
 * writes blobs to. A file is the magic {@code \x93NUMPY}, a version (1.0: 2-byte header length; 2.0 and
 * 3.0: 4-byte), a Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (4, 10), }}
 * padded with spaces to a multiple of 64 bytes and ended by a newline, then the values in C order.
 * Other dtypes, big-endian data and Fortran order are rejected with a message saying what was found.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    /** A float32 array: its shape (outermost first; empty for a scalar) and its values in C order. */
    public record Array(int[] shape, float[] data) {
        public Array {
            long n = count(shape);
            if (n != data.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, got " + data.length);
            }
        }

        public int dim(int axis) {
            return shape[axis];
        }
    }

    private Npy() {
    }

    public static Array read(Path file) {
        String problem = InputFiles.problem(file);
        if (problem != null) {
            throw new DataException(".npy file " + file + " " + problem);
        }
        HeapBudget.require(InputFiles.size(file), ".npy file " + file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataException(".npy file " + file + " does not exist");
        } catch (IOException e) {
            throw new DataException("cannot read .npy file " + file + ": " + e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses the bytes of a .npy file; {@code what} names it in errors. */
    public static Array parse(byte[] bytes, String what) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new DataException(what + " is not a NumPy .npy file (it does not start with \\x93NUMPY)");
        }
        int major = bytes[6] & 0xff;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = bb.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new DataException(what + " is truncated: the header length is cut off");
            }
            headerLen = bb.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new DataException(what + " has .npy format version " + major + "." + (bytes[7] & 0xff)
                    + "; supported versions are 1.0, 2.0 and 3.0");
        }
        if (headerStart + headerLen > bytes.length) {
            throw new DataException(what + " is truncated: its header needs " + headerLen + " bytes, only "
                    + (bytes.length - headerStart) + " are present");
        }
        String header = new String(bytes, headerStart, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        checkHeaderKeys(header, what);
        String descr = find(DESCR, header, "descr", what);
        String fortran = find(FORTRAN, header, "fortran_order", what);
        int[] shape = parseShape(find(SHAPE, header, "shape", what), what);
        if (!descr.equals("<f4")) {
            throw new DataException(what + " holds dtype '" + descr + "' (" + describeDtype(descr)
                    + "); expected little-endian float32 ('<f4'): convert it with a.astype('<f4')");
        }
        if (fortran.equals("True")) {
            throw new DataException(what + " is stored in Fortran (column-major) order; expected C order:"
                    + " save numpy.ascontiguousarray(a) instead");
        }
        long count = count(shape);
        long dataStart = headerStart + headerLen;
        long expected = count * 4;
        long found = bytes.length - dataStart;
        if (found < expected) {
            throw new DataException(what + " is truncated: shape " + Arrays.toString(shape) + " needs " + expected
                    + " bytes of float32 data, found " + found);
        }
        if (found > expected) {
            throw new DataException(what + " has " + (found - expected) + " bytes after the " + expected
                    + " bytes that shape " + Arrays.toString(shape) + " needs; is the header right?");
        }
        float[] data = new float[(int) count];
        bb.position((int) dataStart);
        bb.asFloatBuffer().get(data);
        return new Array(shape, data);
    }

    /** Writes a float32 C-order .npy (version 1.0, as numpy.save does for small headers). */
    public static void write(Path file, int[] shape, float[] data) {
        byte[] bytes = toBytes(shape, data);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write .npy file " + file + ": " + e, e);
        }
    }

    public static void write(Path file, Array array) {
        write(file, array.shape(), array.data());
    }

    public static byte[] toBytes(int[] shape, float[] data) {
        if (count(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count(shape)
                    + " values, got " + data.length);
        }
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');  // Python's one-element tuple
        }
        String dict = String.format(Locale.ROOT, "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", dims);
        // The data starts on a 64-byte boundary (numpy's alignment), the header ends with a newline.
        int unpadded = 10 + dict.length() + 1;
        int padded = (unpadded + 63) / 64 * 64;
        boolean v2 = padded - 10 > 0xffff;
        if (v2) {
            unpadded = 12 + dict.length() + 1;
            padded = (unpadded + 63) / 64 * 64;
        }
        int headerStart = v2 ? 12 : 10;
        String header = dict + " ".repeat(padded - unpadded) + "\n";
        ByteBuffer bb = ByteBuffer.allocate(padded + data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            bb.putInt(padded - headerStart);
        } else {
            bb.putShort((short) (padded - headerStart));
        }
        bb.put(header.getBytes(StandardCharsets.ISO_8859_1));
        bb.asFloatBuffer().put(data);
        return bb.array();
    }

    private static final Pattern KEY = Pattern.compile("['\"]([^'\"]*)['\"]\\s*:");

    /**
     * NumPy's own rules for the header: a dict literal with exactly the keys descr, fortran_order and
     * shape. A key given twice (Python keeps the last) or an unknown key is refused, not guessed at.
     */
    private static void checkHeaderKeys(String header, String what) {
        String h = header.trim();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw new DataException(what + ": the .npy header is not a dict literal ({...}), which NumPy rejects: " + h);
        }
        Matcher m = KEY.matcher(h);
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (m.find()) {
            String key = m.group(1);
            if (!java.util.Set.of("descr", "fortran_order", "shape").contains(key)) {
                throw new DataException(what + ": the .npy header has the key '" + key + "'; NumPy accepts exactly descr,"
                        + " fortran_order and shape");
            }
            if (!seen.add(key)) {
                throw new DataException(what + ": the .npy header gives '" + key + "' twice; which one is meant is ambiguous");
            }
        }
    }

    private static String find(Pattern p, String header, String key, String what) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new DataException(what + ": the .npy header has no valid '" + key + "' entry: " + header.trim());
        }
        return m.group(1);
    }

    private static int[] parseShape(String tuple, String what) {
        List<Integer> dims = new ArrayList<>();
        for (String part : tuple.split(",")) {
            String s = part.trim();
            if (s.endsWith("L")) {
                s = s.substring(0, s.length() - 1);  // Python 2 longs
            }
            if (s.isEmpty()) {
                continue;
            }
            try {
                long d = Long.parseLong(s);
                if (d < 0 || d > Integer.MAX_VALUE) {
                    throw new NumberFormatException();
                }
                dims.add((int) d);
            } catch (NumberFormatException e) {
                throw new DataException(what + ": the .npy shape (" + tuple + ") has an invalid dimension '" + s + "'");
            }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        if (count(shape) > Integer.MAX_VALUE - 8) {
            throw new DataException(what + ": shape " + Arrays.toString(shape) + " holds more values than a Java array can");
        }
        return shape;
    }

    private static String describeDtype(String d) {
        if (d.length() < 2) {
            return "unknown";
        }
        char order = d.charAt(0);
        String kind = switch (d.charAt(1)) {
            case 'f' -> "float";
            case 'i' -> "signed integer";
            case 'u' -> "unsigned integer";
            case 'b' -> "boolean";
            case 'c' -> "complex";
            case 'U', 'S' -> "string";
            case 'O' -> "Python objects";
            default -> "type '" + d.charAt(1) + "'";
        };
        String bytes = d.substring(2);
        String endian = order == '>' ? "big-endian " : order == '<' ? "little-endian " : "";
        return endian + kind + (bytes.isEmpty() ? "" : " of " + bytes + " byte(s)");
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
