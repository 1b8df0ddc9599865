package org.graft.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClProgram;

/**
 * On-disk cache of compiled program binaries, keyed by device, driver, source text and options, so a
 * second start does not recompile. A missing, corrupt or foreign entry is ignored and rebuilt.
 */
public final class ProgramCache {
    private final Path dir;

    public ProgramCache(Path dir) {
        this.dir = dir;
    }

    /** The default location: $GRAFT_CACHE, else ~/.cache/graft/programs. */
    public static ProgramCache defaultCache() {
        String env = System.getenv("GRAFT_CACHE");
        Path base = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "graft");
        return new ProgramCache(base.resolve("programs"));
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
            byte[] bin = Files.readAllBytes(p);
            ClProgram prog = bin.length == 0 ? null : cl.programFromBinary(file, bin, options);
            if (prog == null) {
                Files.deleteIfExists(p); // rejected by the driver: rebuild from source next time
            }
            return prog;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    void store(ClContext cl, String file, String source, String options, ClProgram program) {
        try {
            byte[] bin = program.binary();
            if (bin.length == 0) {
                return;
            }
            Files.createDirectories(dir);
            Path target = entry(cl, file, source, options);
            Path tmp = Files.createTempFile(dir, "tmp", ".part");
            Files.write(tmp, bin);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            // A cache that cannot be written only costs compile time.
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
