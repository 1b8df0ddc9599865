package org.graft.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the GEMM tuning space is derived from: per-core cache sizes and the vector register file. OpenCL
 * reports only one cache (CL_DEVICE_GLOBAL_MEM_CACHE_SIZE, which PoCL sets to the shared L3), so for CPU
 * devices on Linux the per-core L1d/L2 come from {@code /sys/devices/system/cpu/cpu0/cache/index*} and
 * the vector registers from the device name (PoCL names its LLVM target, e.g. {@code skylake-avx512}) or
 * the {@code /proc/cpuinfo} flags. Anything unknown falls back to the driver's figures, then to safe
 * defaults. {@link #parse} takes the file texts, so tests can describe machines they do not run on.
 *
 * @param l1dBytes        L1 data cache per core
 * @param l2Bytes         L2 per core
 * @param l3Bytes         last-level cache (shared), 0 if unknown
 * @param lineBytes       cache line
 * @param vectorRegisters architectural vector registers (32 for AVX-512 and AArch64, 16 for AVX2/SSE)
 * @param vectorFloats    floats per vector register (16, 8 or 4)
 * @param source          where the figures came from, for logs
 */
public record DeviceFacts(long l1dBytes, long l2Bytes, long l3Bytes, int lineBytes, int vectorRegisters,
                          int vectorFloats, String source) {
    static final long DEFAULT_L1D = 32 * 1024;
    static final long DEFAULT_L2 = 1024 * 1024;
    static final int DEFAULT_LINE = 64;

    private static final Path SYS_CACHE = Path.of("/sys/devices/system/cpu/cpu0/cache");
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([KMG]?)B?", Pattern.CASE_INSENSITIVE);
    private static final Map<String, DeviceFacts> KNOWN = new ConcurrentHashMap<>();

    public DeviceFacts {
        if (l1dBytes <= 0 || l2Bytes <= 0 || l3Bytes < 0 || lineBytes <= 0 || vectorRegisters <= 0
                || (vectorFloats != 4 && vectorFloats != 8 && vectorFloats != 16)) {
            throw new IllegalArgumentException("device facts out of range: " + this);
        }
    }

    /** The facts of {@code d}, read once per device (this machine's files for a CPU device). */
    public static DeviceFacts of(DeviceInfo d) {
        return KNOWN.computeIfAbsent(d.cacheKey(), k -> d.isCpu() ? parse(d, readCacheIndexes(), read(CPUINFO)) : parse(d, List.of(), ""));
    }

    /**
     * Facts from the texts of the cache index directories (each a map of file name to content: level,
     * type, size, coherency_line_size) and of /proc/cpuinfo (empty if unavailable).
     */
    public static DeviceFacts parse(DeviceInfo d, List<Map<String, String>> cacheIndexes, String cpuinfo) {
        long l1d = 0;
        long l2 = 0;
        long l3 = 0;
        int line = 0;
        for (Map<String, String> index : cacheIndexes) {
            String type = index.getOrDefault("type", "").trim();
            if (type.equalsIgnoreCase("Instruction")) {
                continue;
            }
            long size = bytes(index.get("size"));
            int level = (int) number(index.get("level"));
            switch (level) {
                case 1 -> l1d = size;
                case 2 -> l2 = size;
                case 3 -> l3 = size;
                default -> {
                }
            }
            if (level == 1 && line == 0) {
                line = (int) number(index.get("coherency_line_size"));
            }
        }
        List<String> from = new ArrayList<>();
        from.add(l1d > 0 || l2 > 0 ? "sysfs caches" : "default caches");
        if (l3 == 0 && d.isCpu()) {
            l3 = Math.max(0, d.globalMemCacheBytes()); // PoCL reports the shared L3 here
        }
        if (line == 0) {
            line = d.globalMemCachelineBytes() > 0 ? d.globalMemCachelineBytes() : DEFAULT_LINE;
        }
        if (l1d == 0) {
            l1d = DEFAULT_L1D;
        }
        if (l2 == 0) {
            // The driver's cache is the L2 only if it is L2-sized; PoCL's is the L3.
            long reported = d.globalMemCacheBytes();
            l2 = reported > l1d && reported <= 4 * DEFAULT_L2 && l3 == reported ? reported : DEFAULT_L2;
        }
        int[] regs = vectorRegisters(d, cpuinfo, from);
        return new DeviceFacts(l1d, l2, l3, line, regs[0], regs[1], String.join(", ", from));
    }

    /** {registers, floats per register}: the compiler's target named by the device, else the CPU flags, else the driver's preferred width. */
    private static int[] vectorRegisters(DeviceInfo d, String cpuinfo, List<String> from) {
        String name = d.name().toLowerCase(Locale.ROOT);
        String flags = " " + cpuFlags(cpuinfo) + " ";
        if (name.contains("avx512")) {
            from.add("device name avx512");
            return new int[] {32, 16};
        }
        if (name.contains("avx2")) {
            from.add("device name avx2");
            return new int[] {16, 8};
        }
        if (d.isCpu() && flags.contains(" avx512f ")) {
            from.add("cpuinfo avx512f");
            return new int[] {32, 16};
        }
        if (d.isCpu() && flags.contains(" avx2 ")) {
            from.add("cpuinfo avx2");
            return new int[] {16, 8};
        }
        if (d.isCpu() && flags.contains(" asimd ")) {
            from.add("cpuinfo asimd");
            return new int[] {32, 4}; // AArch64: 32 NEON registers of 4 floats
        }
        int w = d.preferredFloatVectorWidth();
        from.add("preferred vector width " + w);
        return w >= 16 ? new int[] {32, 16} : w >= 8 ? new int[] {16, 8} : new int[] {16, 4};
    }

    /** The first "flags" (x86) or "Features" (ARM) line of /proc/cpuinfo, lower case. */
    static String cpuFlags(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (key.equals("flags") || key.equals("features")) {
                return line.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            }
        }
        return "";
    }

    /** sysfs sizes: "48K", "2048K", "260M", or plain bytes; 0 if absent or unreadable. */
    static long bytes(String text) {
        if (text == null) {
            return 0;
        }
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return 0;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> v << 10;
            case "M" -> v << 20;
            case "G" -> v << 30;
            default -> v;
        };
    }

    private static long number(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static List<Map<String, String>> readCacheIndexes() {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            Path dir = SYS_CACHE.resolve("index" + i);
            if (!Files.isDirectory(dir)) {
                break;
            }
            Map<String, String> files = new TreeMap<>();
            for (String f : new String[] {"level", "type", "size", "coherency_line_size"}) {
                files.put(f, read(dir.resolve(f)));
            }
            out.add(files);
        }
        return out;
    }

    /** The file's text, or "" if it cannot be read (not Linux, no sysfs in a container): the defaults apply. */
    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
