package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.graft.engine.Engine;
import org.graft.opencl.ClBuffer;
import org.graft.opencl.ClKernel;
import org.graft.testing.TestEngines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The on-disk cache of compiled programs: a second start loads instead of compiling; damage is never trusted. */
class ProgramCacheTest {
    @TempDir
    Path dir;

    @Test
    void secondLibraryLoadsTheBinaryInsteadOfCompiling() {
        Engine e = TestEngines.get();
        try (KernelLibrary first = new KernelLibrary(e.cl(), new ProgramCache(dir))) {
            checkRelu(e, first);
            assertThat(first.programsBuilt()).isEqualTo(1);
            assertThat(first.programsLoaded()).isZero();
        }
        try (KernelLibrary second = new KernelLibrary(e.cl(), new ProgramCache(dir))) {
            checkRelu(e, second);
            assertThat(second.programsBuilt()).as("compiled again despite the cache").isZero();
            assertThat(second.programsLoaded()).isEqualTo(1);
            assertThat(second.prepareSummary()).contains("1 from the disk cache, 0 compiled");
        }
    }

    static Stream<Arguments> damage() {
        return Stream.of(
                Arguments.of("empty file", (UnaryOperator<byte[]>) b -> new byte[0]),
                Arguments.of("header only", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, 42)),
                Arguments.of("truncated", (UnaryOperator<byte[]>) b -> Arrays.copyOf(b, b.length / 2)),
                Arguments.of("one bit flipped in the binary", (UnaryOperator<byte[]>) b -> {
                    byte[] c = b.clone();
                    c[c.length - 7] ^= 0x10;
                    return c;
                }),
                Arguments.of("random bytes", (UnaryOperator<byte[]>) b -> {
                    byte[] c = new byte[b.length];
                    new java.util.Random(3).nextBytes(c);
                    return c;
                }),
                Arguments.of("raw driver binary without Graft's header", (UnaryOperator<byte[]>) b -> ProgramCache.unwrap(b)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damage")
    void damagedEntryIsIgnoredRebuiltAndReplaced(String what, UnaryOperator<byte[]> corrupt) throws IOException {
        Engine e = TestEngines.get();
        try (KernelLibrary first = new KernelLibrary(e.cl(), new ProgramCache(dir))) {
            checkRelu(e, first);
        }
        Path entry = onlyEntry();
        byte[] good = Files.readAllBytes(entry);
        Files.write(entry, corrupt.apply(good));
        try (KernelLibrary second = new KernelLibrary(e.cl(), new ProgramCache(dir))) {
            checkRelu(e, second);
            assertThat(second.programsBuilt()).as("rebuilt from source").isEqualTo(1);
            assertThat(second.programsLoaded()).isZero();
        }
        assertThat(ProgramCache.unwrap(Files.readAllBytes(onlyEntry()))).as("entry replaced by an intact one").isNotNull();
    }

    @Test
    void wrapAndUnwrapRoundTrip() {
        byte[] bin = {1, 2, 3, 4, 5};
        assertThat(ProgramCache.unwrap(ProgramCache.wrap(bin))).containsExactly(bin);
        assertThat(ProgramCache.unwrap(bin)).isNull();
    }

    @Test
    void unwritableCacheOnlyCostsCompileTime() throws IOException {
        Path file = dir.resolve("not-a-directory");
        Files.writeString(file, "x");
        Engine e = TestEngines.get();
        try (KernelLibrary lib = new KernelLibrary(e.cl(), new ProgramCache(file.resolve("programs")))) {
            checkRelu(e, lib);
            assertThat(lib.programsBuilt()).isEqualTo(1);
        }
    }

    private Path onlyEntry() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> bins = s.filter(p -> p.toString().endsWith(".bin")).toList();
            assertThat(bins).hasSize(1);
            return bins.get(0);
        }
    }

    /** Runs relu_forward from {@code lib} on a few values: the program works whatever path it came by. */
    private static void checkRelu(Engine e, KernelLibrary lib) {
        float[] x = {-2f, -0.5f, 0f, 0.5f, 3f};
        try (ClBuffer in = e.alloc(x.length, "x"); ClBuffer out = e.alloc(x.length, "y")) {
            e.cl().writeFloats(in, x);
            ClKernel k = lib.kernel("relu.cl", "relu_forward");
            k.arg(0, x.length).arg(1, in).arg(2, out).arg(3, 0.25f);
            e.run1d(k, x.length);
            assertThat(e.cl().readFloats(out, x.length)).containsExactly(-0.5f, -0.125f, 0f, 0.5f, 3f);
        }
    }
}
