package org.graft.data;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    // Written by numpy 2.4 (np.lib.format.write_array) for a = np.arange(6, dtype='<f4').reshape(2, 3) * 0.5 - 1,
    // and variants of it; base64 so the exact bytes numpy produces are part of the test.
    private static final String V1 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIC/AAAAvwAAAAAAAAA/AACAPwAAwD8=";
    private static final String V2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIC/AAAAvwAAAAAAAAA/AACAPwAAwD8=";
    private static final String F8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwvwAAAAAAAOC/AAAAAAAAAAAAAAAAAADgPwAAAAAAAPA/AAAAAAAA+D8=";
    private static final String BIG_ENDIAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAq/gAAAvwAAAAAAAAA/AAAAP4AAAD/AAAA=";
    private static final String FORTRAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAIC/AAAAPwAAAL8AAIA/AAAAAAAAwD8=";
    private static final String SCALAR = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAACBA";
    private static final String INT32 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAQAAAAIAAAA=";
    private static final float[] VALUES = {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f};

    @TempDir
    Path tmp;

    private static byte[] bytes(String b64) {
        return Base64.getDecoder().decode(b64);
    }

    @Test
    void readsNumpyVersion1And2() {
        for (String file : new String[] {V1, V2}) {
            Npy.Array a = Npy.parse(bytes(file), "a.npy");
            assertThat(a.shape()).containsExactly(2, 3);
            assertThat(a.data()).containsExactly(VALUES);
        }
        Npy.Array s = Npy.parse(bytes(SCALAR), "s.npy");
        assertThat(s.shape()).isEmpty();
        assertThat(s.data()).containsExactly(2.5f);
    }

    @Test
    void writesExactlyWhatNumpyWrites() {
        assertThat(Npy.toBytes(new int[] {2, 3}, VALUES)).isEqualTo(bytes(V1));
        assertThat(Npy.toBytes(new int[0], new float[] {2.5f})).isEqualTo(bytes(SCALAR));
    }

    @Test
    void roundTripsThroughAFileForAwkwardShapes() {
        int[][] shapes = {{7}, {1, 1, 1, 1}, {3, 0, 2}, {2, 3, 5, 7}, {1, 2, 3, 4, 5, 6, 7}};
        for (int[] shape : shapes) {
            int n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = i == 1 ? Float.NaN : i == 2 ? -0f : (float) Math.sin(i) * 1e3f;
            }
            Path f = tmp.resolve("a" + shape.length + ".npy");
            Npy.write(f, shape, v);
            Npy.Array back = Npy.read(f);
            assertThat(back.shape()).containsExactly(shape);
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToRawIntBits(back.data()[i])).isEqualTo(Float.floatToRawIntBits(v[i]));
            }
            // numpy aligns the data to 64 bytes
            assertThat((Npy.toBytes(shape, v).length - n * 4) % 64).isZero();
        }
    }

    @Test
    void readsTheLeNetTestInput() {
        Npy.Array a = Npy.read(Repo.path("testdata", "caffe", "input.npy"));
        assertThat(a.shape()).containsExactly(4, 1, 28, 28);
        // Sample 0 is the pattern b_i = (i * 7919) mod 256, scaled by 1/256 (testdata/caffe/SOURCE.md).
        assertThat(a.data()[0]).isEqualTo(0f);
        assertThat(a.data()[1]).isEqualTo(239 * 0.00390625f);
        assertThat(a.data()[783]).isEqualTo((783 * 7919 % 256) * 0.00390625f);
    }

    @Test
    void rejectsOtherDtypesWithTheirNames() {
        assertThatThrownBy(() -> Npy.parse(bytes(F8), "x.npy"))
                .hasMessageContaining("x.npy").hasMessageContaining("'<f8'").hasMessageContaining("float of 8 byte")
                .hasMessageContaining("'<f4'");
        assertThatThrownBy(() -> Npy.parse(bytes(BIG_ENDIAN), "x.npy")).hasMessageContaining("big-endian float");
        assertThatThrownBy(() -> Npy.parse(bytes(INT32), "x.npy")).hasMessageContaining("signed integer");
    }

    @Test
    void rejectsFortranOrder() {
        assertThatThrownBy(() -> Npy.parse(bytes(FORTRAN), "f.npy"))
                .isInstanceOf(DataException.class).hasMessageContaining("Fortran").hasMessageContaining("ascontiguousarray");
    }

    @Test
    void rejectsTruncatedAndOverlongData() {
        byte[] full = bytes(V1);
        assertThatThrownBy(() -> Npy.parse(Arrays.copyOf(full, full.length - 3), "t.npy"))
                .hasMessageContaining("t.npy is truncated").hasMessageContaining("needs 24 bytes").hasMessageContaining("found 21");
        assertThatThrownBy(() -> Npy.parse(Arrays.copyOf(full, 40), "h.npy"))
                .hasMessageContaining("truncated").hasMessageContaining("header");
        assertThatThrownBy(() -> Npy.parse(Arrays.copyOf(full, full.length + 4), "l.npy"))
                .hasMessageContaining("4 bytes after");
    }

    @Test
    void rejectsFilesThatAreNotNpy() throws Exception {
        Path f = tmp.resolve("not.npy");
        Files.writeString(f, "hello, this is text");
        assertThatThrownBy(() -> Npy.read(f)).hasMessageContaining("not a NumPy .npy file");
        assertThatThrownBy(() -> Npy.read(tmp.resolve("missing.npy"))).hasMessageContaining("does not exist");
        byte[] v9 = bytes(V1);
        v9[6] = 9;
        assertThatThrownBy(() -> Npy.parse(v9, "v.npy")).hasMessageContaining("version 9.0");
    }
}
