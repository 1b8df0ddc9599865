package org.graft.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.graft.engine.DeviceThreads;
import org.graft.opencl.ClContext;
import org.graft.opencl.ClKernel;
import org.graft.opencl.ClProgram;

/**
 * Loads the OpenCL sources shipped in the jar under {@code /kernels/} and compiles each (file, options)
 * pair once per context. Kernel objects are cached too, so a launch never recompiles or re-creates.
 *
 * <p>Programs build outside the library's lock, so independent programs can compile concurrently:
 * {@link #prefetch} starts builds on a small pool of compile threads (OpenCL allows clBuildProgram from
 * several threads on one context; {@code KernelLibraryTest} checks the driver does), and a later
 * {@link #kernel} or {@link #program} for the same program waits for that build instead of starting another.
 */
public final class KernelLibrary implements AutoCloseable {
    /** Options every program gets. No fast-math: results must match the Java references. */
    public static final String BASE_OPTIONS = "-cl-std=CL1.2";
    /** Compile threads for {@link #prefetch}: one per core, at most four (each build is single-threaded). */
    static final int COMPILE_THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

    /** One program: a kernel file and its extra defines ("" for none). */
    public record ProgramKey(String file, String defines) {
        String key() {
            return file + "|" + defines;
        }
    }

    private final ClContext cl;
    private final Map<String, CompletableFuture<ClProgram>> programs = new HashMap<>();
    private final Map<String, ClKernel> kernels = new HashMap<>();
    private final ProgramCache diskCache;
    private ExecutorService compilePool;
    private int built;
    private int compiling;
    private int loaded;
    private long prepareNanos;
    private int preparing;
    private long preparingSince;
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

    /** Where compile lines go now (null: quiet). */
    public Consumer<String> progress() {
        return progress;
    }

    /** Kernel {@code name} from {@code kernels/<file>}, compiled with extra {@code defines} (may be ""). */
    public ClKernel kernel(String file, String defines, String name) {
        String key = file + "|" + defines + "|" + name;
        synchronized (this) {
            ClKernel k = kernels.get(key);
            if (k != null) {
                return k;
            }
        }
        ClProgram p = program(file, defines); // may wait for a build; never under the lock
        synchronized (this) {
            return kernels.computeIfAbsent(key, x -> p.kernel(name));
        }
    }

    public ClKernel kernel(String file, String name) {
        return kernel(file, "", name);
    }

    /** The program, built (or loaded from the disk cache) now on this thread unless a prefetch already started it. */
    public ClProgram program(String file, String defines) {
        ProgramKey pk = new ProgramKey(file, defines);
        CompletableFuture<ClProgram> f;
        boolean mine;
        synchronized (this) {
            f = programs.get(pk.key());
            mine = f == null;
            if (mine) {
                f = new CompletableFuture<>();
                programs.put(pk.key(), f);
            }
        }
        if (mine) {
            prepare(pk, f);
        }
        return await(f);
    }

    /**
     * Starts building those of {@code keys} not built or started yet on the compile threads, concurrently,
     * and returns at once; failures surface when the program is asked for.
     */
    public void prefetch(Collection<ProgramKey> keys) {
        for (ProgramKey pk : keys) {
            CompletableFuture<ClProgram> f;
            synchronized (this) {
                if (programs.containsKey(pk.key())) {
                    continue;
                }
                f = new CompletableFuture<>();
                programs.put(pk.key(), f);
                if (compilePool == null) {
                    compilePool = Executors.newFixedThreadPool(COMPILE_THREADS, DeviceThreads.factory("graft-compile"));
                }
                CompletableFuture<ClProgram> target = f;
                compilePool.execute(() -> prepare(pk, target));
            }
        }
    }

    /** Waits until no build is running (their failures surface when those programs are asked for). */
    public void awaitBuilds() {
        List<CompletableFuture<ClProgram>> running;
        synchronized (this) {
            running = programs.values().stream().filter(f -> !f.isDone()).toList();
        }
        for (CompletableFuture<ClProgram> f : running) {
            try {
                f.join();
            } catch (CompletionException | CancellationException ex) {
                // reported to whoever asks for that program
            }
        }
    }

    /** Loads or compiles one program into {@code f}; a failure is reported to every waiter and not remembered. */
    private void prepare(ProgramKey pk, CompletableFuture<ClProgram> f) {
        synchronized (this) {
            if (preparing++ == 0) {
                preparingSince = System.nanoTime();
            }
        }
        try {
            String options = (BASE_OPTIONS + " " + pk.defines()).trim();
            String source = source(pk.file());
            ClProgram p = diskCache != null ? diskCache.load(cl, pk.file(), source, options) : null;
            if (p == null) {
                int n;
                synchronized (this) {
                    n = ++compiling;
                }
                Consumer<String> say = progress;
                if (say != null) {
                    if (n == 1) {
                        say.accept("Compiling kernel programs for this device (the first run here; they are cached afterwards)...");
                    }
                    say.accept("  compiling " + pk.file() + (pk.defines().isBlank() ? "" : " [" + pk.defines().trim() + "]") + " (program " + n + ")");
                }
                p = cl.buildProgram(pk.file(), source, options);
                synchronized (this) {
                    built++;
                }
                if (diskCache != null) {
                    diskCache.store(cl, pk.file(), source, options, p);
                }
            } else {
                synchronized (this) {
                    loaded++;
                }
            }
            f.complete(p);
        } catch (RuntimeException | Error ex) {
            synchronized (this) {
                programs.remove(pk.key()); // asked again, it is tried again (and fails with its own message)
            }
            f.completeExceptionally(ex);
        } finally {
            synchronized (this) {
                if (--preparing == 0) {
                    prepareNanos += System.nanoTime() - preparingSince; // wall time with any build running
                }
            }
        }
    }

    private static ClProgram await(CompletableFuture<ClProgram> f) {
        try {
            return f.join();
        } catch (CompletionException ex) {
            if (ex.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (ex.getCause() instanceof Error err) {
                throw err;
            }
            throw ex;
        }
    }

    /**
     * The text of {@code kernels/<file>} from the class path, each line {@code #include "other.cl"} replaced by
     * that file's text (expanded the same way): programs are built from one string, so the compiler cannot
     * find the file itself, and a helper shared by two kernel files is written once.
     */
    public static String source(String file) {
        StringBuilder out = new StringBuilder();
        for (String line : resource(file).split("\n", -1)) {
            Matcher m = INCLUDE.matcher(line);
            out.append(m.matches() ? source(m.group(1)) : line).append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    private static final Pattern INCLUDE = Pattern.compile("\\s*#include\\s+\"([\\w.]+)\"\\s*");

    private static String resource(String file) {
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
        return (int) programs.values().stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count();
    }

    @Override
    public void close() {
        ExecutorService pool;
        synchronized (this) {
            pool = compilePool;
            compilePool = null;
        }
        if (pool != null) {
            pool.shutdown(); // a build cannot be interrupted: let those running finish, then release them
            try {
                pool.awaitTermination(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            kernels.values().forEach(ClKernel::close);
            for (CompletableFuture<ClProgram> f : programs.values()) {
                if (f.isDone() && !f.isCompletedExceptionally()) {
                    f.join().close();
                }
            }
            kernels.clear();
            programs.clear();
        }
    }
}
