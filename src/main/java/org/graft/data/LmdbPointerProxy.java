package org.graft.data;

import java.util.Arrays;
import java.util.Comparator;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.provider.MemoryManager;
import org.lmdbjava.BufferProxy;

/**
 * Hands LMDB keys and values to Java as jnr {@link Pointer} views into the memory map, without copying.
 * Why not lmdbjava's own proxies: its ByteBuffer proxies need {@code --add-opens java.base/java.nio} on
 * Java 17, and its byte-array proxy copies every value, so scanning the labels of an ImageNet-sized LMDB
 * would read every image. A view lets {@link DatumScan} touch only the bytes it needs.
 *
 * <p>A returned view is valid only while its read transaction is open; callers copy what they keep.
 */
final class LmdbPointerProxy extends BufferProxy<Pointer> {
    private static final MemoryManager MEMORY = Runtime.getSystemRuntime().getMemoryManager();
    private static final Comparator<Pointer> UNSIGNED = (a, b) -> Arrays.compareUnsigned(bytes(a), bytes(b));
    private static final Comparator<Pointer> SIGNED = (a, b) -> Arrays.compare(bytes(a), bytes(b));

    static final LmdbPointerProxy INSTANCE = new LmdbPointerProxy();

    private LmdbPointerProxy() {
    }

    /** A native copy of a key, for lookups (LMDB reads keys from native memory; keys are never empty). */
    static Pointer nativeCopy(byte[] b, int from, int length) {
        Pointer p = MEMORY.allocateDirect(length);
        p.put(0, b, from, length);
        return p;
    }

    static byte[] bytes(Pointer p) {
        byte[] b = new byte[Math.toIntExact(p.size())];
        p.get(0, b, 0, b.length);
        return b;
    }

    @Override
    protected Pointer allocate() {
        return MEMORY.newPointer(0L, 0L);
    }

    @Override
    protected void deallocate(Pointer buff) {
        // Views own no memory; native copies are freed by the garbage collector.
    }

    @Override
    protected byte[] getBytes(Pointer buffer) {
        return bytes(buffer);
    }

    @Override
    protected Comparator<Pointer> getSignedComparator() {
        return SIGNED;
    }

    @Override
    protected Comparator<Pointer> getUnsignedComparator() {
        return UNSIGNED;
    }

    @Override
    protected void in(Pointer buffer, Pointer ptr, long ptrAddr) {
        ptr.putLong(STRUCT_FIELD_OFFSET_SIZE, buffer.size());
        ptr.putAddress(STRUCT_FIELD_OFFSET_DATA, buffer.address());
    }

    @Override
    protected void in(Pointer buffer, int size, Pointer ptr, long ptrAddr) {
        ptr.putLong(STRUCT_FIELD_OFFSET_SIZE, size);
        ptr.putAddress(STRUCT_FIELD_OFFSET_DATA, buffer.address());
    }

    @Override
    protected Pointer out(Pointer buffer, Pointer ptr, long ptrAddr) {
        long size = ptr.getLong(STRUCT_FIELD_OFFSET_SIZE);
        long address = ptr.getAddress(STRUCT_FIELD_OFFSET_DATA);
        return MEMORY.newPointer(address, size);
    }
}
