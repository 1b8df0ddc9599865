package org.graft.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClKernel;
import org.graft.opencl.ClProgram;

/**
 * Loads the OpenCL sources shipped in the jar under {@code /kernels/} and compiles each (file, options)
 * pair once per context. Kernel objects are cached too, so a launch never recompiles or re-creates.
 */
public final class KernelLibrary implements AutoCloseable {
    /** Options every program gets. No fast-math: results must match the Java references. */
    public static final String BASE_OPTIONS = "-cl-std=CL1.2";

    private final ClContext cl;
    private final Map<String, ClProgram> programs = new HashMap<>();
    private final Map<String, ClKernel> kernels = new HashMap<>();
    private final ProgramCache diskCache;
    private int built;
    private int loaded;
    private long prepareNanos;
    private volatile Consumer<String> progress;

    public KernelLibrary(ClContext cl, ProgramCache diskCache) {
        this.cl = cl;
        this.diskCache = diskCache;
    }

    public ClContext cl() {
        return cl;
    }

    /** Receives a line before each program is compiled from source (null: quiet); see Engine#progress. */
    public void progress(Consumer<String> lines) {
        progress = lines;
    }

    /** Kernel {@code name} from {@code kernels/<file>}, compiled with extra {@code defines} (may be ""). */
    public synchronized ClKernel kernel(String file, String defines, String name) {
        String key = file + "|" + defines + "|" + name;
        ClKernel k = kernels.get(key);
        if (k == null) {
            k = program(file, defines).kernel(name);
            kernels.put(key, k);
        }
        return k;
    }

    public ClKernel kernel(String file, String name) {
        return kernel(file, "", name);
    }

    public synchronized ClProgram program(String file, String defines) {
        String key = file + "|" + defines;
        ClProgram p = programs.get(key);
        if (p == null) {
            long t0 = System.nanoTime();
            String options = (BASE_OPTIONS + " " + defines).trim();
            String source = source(file);
            p = diskCache != null ? diskCache.load(cl, file, source, options) : null;
            if (p == null) {
                Consumer<String> say = progress;
                if (say != null) {
                    if (built == 0) {
                        say.accept("Compiling kernel programs for this device (the first run here; they are cached afterwards)...");
                    }
                    say.accept("  compiling " + file + (defines.isBlank() ? "" : " [" + defines.trim() + "]") + " (program "
                            + (built + 1) + ")");
                }
                p = cl.buildProgram(file, source, options);
                if (diskCache != null) {
                    diskCache.store(cl, file, source, options, p);
                }
                built++;
            } else {
                loaded++;
            }
            prepareNanos += System.nanoTime() - t0;
            programs.put(key, p);
        }
        return p;
    }

    /** The text of {@code kernels/<file>} from the class path. */
    public static String source(String file) {
        String path = "/kernels/" + file;
        try (InputStream in = KernelLibrary.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + path + " is missing from the class path (broken build?)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading kernel source " + path, e);
        }
    }

    /** Programs compiled from source so far (cache misses). */
    public synchronized int programsBuilt() {
        return built;
    }

    /** Programs taken from the on-disk binary cache so far. */
    public synchronized int programsLoaded() {
        return loaded;
    }

    /** Wall time spent compiling or loading programs so far. */
    public synchronized double prepareSeconds() {
        return prepareNanos / 1e9;
    }

    /** One line for progress output, e.g. "12 kernel programs ready in 0.41 s (12 from the disk cache)". */
    public synchronized String prepareSummary() {
        return String.format(java.util.Locale.ROOT, "%d kernel programs ready in %.2f s (%d from the disk cache, %d compiled)",
                built + loaded, prepareNanos / 1e9, loaded, built);
    }

    public synchronized int programCount() {
        return programs.size();
    }

    @Override
    public synchronized void close() {
        kernels.values().forEach(ClKernel::close);
        programs.values().forEach(ClProgram::close);
        kernels.clear();
        programs.clear();
    }
}
