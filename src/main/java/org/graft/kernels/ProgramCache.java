package org.graft.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.graft.engine.Debug;
import org.graft.io.AtomicFiles;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClProgram;

/**
 * On-disk cache of compiled program binaries, keyed by device, driver, source text and options, so a
 * second start does not recompile. A missing, corrupt or foreign entry is ignored and rebuilt.
 */
public final class ProgramCache {
    private static final byte[] MAGIC = "GRAFTPRG1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_BYTES = 32;
    private final Path dir;

    public ProgramCache(Path dir) {
        this.dir = dir;
    }

    /** The default location: $GRAFT_CACHE/programs, else ~/.cache/graft/programs. */
    public static ProgramCache defaultCache() {
        return new ProgramCache(baseDir().resolve("programs"));
    }

    /** Graft's cache root: -Dgraft.cache, else $GRAFT_CACHE, else ~/.cache/graft. */
    public static Path baseDir() {
        String env = System.getProperty("graft.cache", System.getenv("GRAFT_CACHE"));
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "graft");
    }

    private Path entry(ClContext cl, String file, String source, String options) {
        String key = cl.backendName() + "\n" + cl.device().cacheKey() + "\n" + options + "\n" + source;
        return dir.resolve(file.replace('/', '_') + "-" + sha256(key) + ".bin");
    }

    ClProgram load(ClContext cl, String file, String source, String options) {
        Path p = entry(cl, file, source, options);
        if (!Files.isRegularFile(p)) {
            return null;
        }
        try {
            byte[] bin = unwrap(Files.readAllBytes(p));
            if (bin == null) {
                Debug.log(() -> "program cache entry " + p + " is damaged (bad header or checksum); rebuilding from source");
                Files.deleteIfExists(p);
                return null;
            }
            ClProgram prog = cl.programFromBinary(file, bin, options);
            if (prog == null) {
                Debug.log(() -> "program cache entry " + p + " rejected by the driver; rebuilding from source");
                Files.deleteIfExists(p); // rejected by the driver: rebuild from source next time
            }
            return prog;
        } catch (IOException | RuntimeException e) {
            Debug.log(() -> "program cache entry " + p + " unusable (" + e.getMessage() + "); rebuilding from source");
            return null;
        }
    }

    void store(ClContext cl, String file, String source, String options, ClProgram program) {
        try {
            byte[] bin = program.binary();
            if (bin.length == 0) {
                return;
            }
            AtomicFiles.writeBytes(entry(cl, file, source, options), wrap(bin));
        } catch (IOException | RuntimeException e) {
            // A cache that cannot be written only costs compile time.
        }
    }

    /**
     * The stored form: magic, SHA-256 of the binary, the binary. The checksum is verified before a
     * driver ever sees the bytes, since not every driver survives a truncated or damaged binary.
     */
    static byte[] wrap(byte[] binary) {
        byte[] digest = digest(binary);
        byte[] out = new byte[MAGIC.length + digest.length + binary.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(digest, 0, out, MAGIC.length, digest.length);
        System.arraycopy(binary, 0, out, MAGIC.length + digest.length, binary.length);
        return out;
    }

    /** The binary inside a stored entry, or null if the entry is not intact. */
    static byte[] unwrap(byte[] stored) {
        int head = MAGIC.length + DIGEST_BYTES;
        if (stored.length <= head || !Arrays.equals(stored, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return null;
        }
        byte[] binary = Arrays.copyOfRange(stored, head, stored.length);
        return Arrays.equals(stored, MAGIC.length, head, digest(binary), 0, DIGEST_BYTES) ? binary : null;
    }

    private static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
