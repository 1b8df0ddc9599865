package org.graft.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.graft.opencl.DeviceFacts;
import org.graft.opencl.DeviceFactsTest;
import org.graft.opencl.DeviceInfo;
import org.junit.jupiter.api.Test;

/** The generated tuning space and the cost model, on described machines (no device needed). */
class GemmSpaceTest {
    static final DeviceFacts INTEL = DeviceFacts.parse(DeviceFactsTest.INTEL_DEVICE, DeviceFactsTest.INTEL_CACHES,
            DeviceFactsTest.INTEL_CPUINFO);
    static final DeviceFacts AVX2 = DeviceFacts.parse(DeviceFactsTest.AVX2_DEVICE, DeviceFactsTest.AVX2_CACHES,
            DeviceFactsTest.AVX2_CPUINFO);
    static final DeviceFacts SSE = new DeviceFacts(32 * 1024, 512 * 1024, 0, 64, 16, 4, "test");

    static GemmCall call(boolean tA, boolean tB, int m, int n, int k, int batch) {
        return new GemmCall(tA, tB, false, m, n, k, 1f, null, 0, tA ? m : k, m * k, null, 0, tB ? k : n, k * n, 0f,
                null, 0, n, m * n, batch);
    }

    @Test
    void everyGeneratedBlockFitsTheRegisterFileAndUsesTheVectorWidth() {
        for (DeviceFacts f : List.of(INTEL, AVX2, SSE)) {
            List<GemmMicro.Config> space = GemmSpace.configs(f);
            assertThat(space).isNotEmpty();
            for (GemmMicro.Config c : space) {
                assertThat(c.mr() * c.nv() + c.nv() + 1).as("%s on %s", c, f).isLessThanOrEqualTo(f.vectorRegisters());
                assertThat(c.vw()).isEqualTo(f.vectorFloats());
            }
        }
        assertThat(GemmSpace.fits(16, 2, INTEL)).isFalse();
        assertThat(GemmSpace.fits(14, 2, INTEL)).isTrue();
        assertThat(GemmSpace.fits(8, 2, AVX2)).isFalse();
    }

    @Test
    void blocksSuitTheRegisterFile() {
        assertThat(blocks(INTEL)).contains("12x16", "8x16", "14x32", "12x32", "8x32", "9x48", "6x64");
        assertThat(blocks(AVX2)).contains("6x16", "4x24", "8x8").doesNotContain("8x16", "6x32");
        assertThat(blocks(SSE)).contains("6x8", "4x12", "8x4");
    }

    private static List<String> blocks(DeviceFacts f) {
        return GemmSpace.blocks(f).stream().map(b -> b[0] + "x" + b[1] * f.vectorFloats()).toList();
    }

    /** kc from half of L1d: 48 KiB on the Xeon gives longer k-blocks than 32 KiB; bands from half of L2. */
    @Test
    void blockingFollowsTheCaches() {
        assertThat(GemmSpace.kcFor(12, 32, INTEL)).isEqualTo(136); // 24 KiB / (4 B * 44) = 139.6, down to a multiple of 8
        assertThat(GemmSpace.kcFor(12, 32, AVX2)).isEqualTo(88);
        assertThat(GemmSpace.rbFor(12, 136, INTEL)).isEqualTo(128); // 1 MiB / (4 B * 12 * 136) = 160, capped
        assertThat(GemmSpace.rbFor(6, 88, AVX2)).isEqualTo(62);
    }

    @Test
    void onTheXeonTheFirstChoiceKeepsItsKBlockInL1() {
        GemmMicro.Config c = GemmSpace.deviceDefault(INTEL);
        assertThat(4L * c.kc() * (c.mr() + c.nr())).as("%s", c).isLessThanOrEqualTo(48 * 1024);
        GemmVariant first = ranked(INTEL, call(false, false, 1024, 1024, 1024, 1)).get(0);
        assertThat(first).isInstanceOf(GemmVariant.Micro.class);
        GemmMicro.Config f = ((GemmVariant.Micro) first).config();
        assertThat(4L * f.kc() * (f.mr() + f.nr())).as("%s", f).isLessThanOrEqualTo(48 * 1024);
        assertThat(f.mr() * f.nv()).as("a big block: loads per FMA below one").isGreaterThan(f.mr() + f.nv());
    }

    /** What Gemm runs untimed is one of the candidates the tuner times, and never an always-pack variant. */
    @Test
    void theDeviceDefaultIsAGeneratedCandidate() {
        for (DeviceFacts f : List.of(INTEL, AVX2, SSE)) {
            GemmMicro.Config c = GemmSpace.deviceDefault(f);
            assertThat(GemmSpace.configs(f)).contains(c);
            assertThat(c.alwaysPack()).isFalse();
        }
    }

    /** Same block, same cache fit: the shorter k-block pays for more launches and more passes over C. */
    @Test
    void moreKBlocksCostMore() {
        GemmCall x = call(false, false, 512, 512, 512, 1);
        GemmMicro.Config longer = GemmMicro.Config.of(12, 16, 2, 1, 64, 8, false);
        GemmMicro.Config shorter = GemmMicro.Config.of(12, 16, 2, 1, 32, 8, false);
        assertThat(GemmCostModel.micro(INTEL, shorter, x)).isGreaterThan(GemmCostModel.micro(INTEL, longer, x));
    }

    /** One 512-deep k-block of a 12x32 block (88 KiB of micro-panels) is slower where it overflows L1d. */
    @Test
    void panelsOverflowingL1dCostMore() {
        GemmCall x = call(false, false, 512, 512, 512, 1);
        GemmMicro.Config c = GemmMicro.Config.of(12, 16, 2, 1, 512, 8, false);
        DeviceFacts bigL1 = new DeviceFacts(256 * 1024, INTEL.l2Bytes(), INTEL.l3Bytes(), 64, 32, 16, "test");
        assertThat(GemmCostModel.micro(INTEL, c, x)).isGreaterThan(GemmCostModel.micro(bigL1, c, x));
    }

    /** Ten columns: a 16-wide block wastes 6 of 16 lanes, a 32-wide one 22 of 32. */
    @Test
    void aTenColumnProductPrefersANarrowBlock() {
        List<GemmVariant> ranked = ranked(INTEL, call(false, false, 1000, 10, 500, 1));
        GemmMicro.Config first = ((GemmVariant.Micro) ranked.get(0)).config();
        assertThat(first.nr()).isLessThan(32);
        assertThat(bestRank(ranked, 16)).isLessThan(bestRank(ranked, 32));
    }

    private static int bestRank(List<GemmVariant> ranked, int nr) {
        for (int i = 0; i < ranked.size(); i++) {
            if (ranked.get(i) instanceof GemmVariant.Micro m && m.config().nr() == nr) {
                return i;
            }
        }
        throw new AssertionError("no " + nr + "-wide block in " + ranked);
    }

    @Test
    void tinyProductsRankTheSimpleKernelFirstAndBigOnesLast() {
        assertThat(ranked(AVX2, call(false, false, 8, 8, 8, 1)).get(0)).isInstanceOf(GemmVariant.Simple.class);
        List<GemmVariant> big = ranked(AVX2, call(true, false, 300, 500, 700, 2));
        assertThat(big.get(big.size() - 1)).isInstanceOf(GemmVariant.Simple.class);
        assertThat(big).hasSameSizeAs(GemmVariant.candidates(CPU, AVX2));
    }

    @Test
    void everyGeneratedIdNamesItsConfiguration() {
        for (DeviceFacts f : List.of(INTEL, AVX2, SSE)) {
            for (GemmVariant v : GemmVariant.cpuCandidates(f)) {
                GemmVariant named = GemmVariant.named(v.id());
                assertThat(named).isEqualTo(v);
                assertThat(GemmSpace.id(((GemmVariant.Micro) named).config())).isEqualTo(v.id());
            }
        }
        assertThat(GemmVariant.named("micro-6x48-w16-k100-r3-u2-packed")).isInstanceOf(GemmVariant.Micro.class);
        assertThatThrownBy(() -> GemmVariant.named("micro-6x20-w16-k100-r3-u1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of the vector width");
        assertThatThrownBy(() -> GemmVariant.named("micro-12x16")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no GEMM candidate named");
    }

    private static final DeviceInfo CPU = DeviceFactsTest.cpu("described-cpu", 16, 0, 64);

    static List<GemmVariant> ranked(DeviceFacts f, GemmCall call) {
        return GemmVariant.ranked(CPU, f, call);
    }
}
