package org.graft.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.iq80.snappy.CorruptionException;
import org.iq80.snappy.Snappy;

/**
 * A read-only reader of LevelDB databases (the format of Google's LevelDB, which Caffe writes), enough to
 * list every live record in key order and read any record again. Nothing is written to the folder, no lock
 * is taken: the database must not be written while it is read.
 *
 * <p>What is read: CURRENT names the MANIFEST, a log of version edits whose sum is the set of live table
 * files (.ldb, or .sst before LevelDB 1.14); log files numbered from the MANIFEST's log number hold writes
 * not yet in a table. Tables are sorted blocks (optionally Snappy-compressed, each with a masked CRC32C)
 * found through an index block; keys inside are "internal keys" (user key, then 8 bytes of sequence number
 * and type). For each user key the entry with the highest sequence number wins; a deletion hides the key.
 * Keys are compared as unsigned bytes (LevelDB's default BytewiseComparator; a database with another
 * comparator is refused).
 */
final class LevelDbReader<S> implements AutoCloseable {
    private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
    private static final int LOG_BLOCK = 32768;
    private static final int TYPE_DELETION = 0;
    private static final int TYPE_VALUE = 1;

    /**
     * Where the newest entry of a user key lives: a table block, or (from a log) the value itself; with the
     * summary of its value taken while the tables were read (dropped after {@link #forEach}).
     */
    private record Location<S>(long sequence, boolean deleted, int table, long blockOffset, long blockSize, byte[] logValue, S summary) {
        Location<S> withoutSummary() {
            return new Location<>(sequence, deleted, table, blockOffset, blockSize, logValue, null);
        }
    }

    /** Receives each live record: its key, the summary of its value, and the value on demand. */
    interface Visitor<S> {
        void record(byte[] key, S summary, java.util.function.Supplier<byte[]> value);
    }

    private final Path dir;
    private final List<FileChannel> tables = new ArrayList<>();
    private final List<String> tableNames = new ArrayList<>();
    private final TreeMap<byte[], Location<S>> index = new TreeMap<>(Arrays::compareUnsigned);
    private final java.util.function.Function<byte[], S> summarize;

    /**
     * Opens {@code dir}, reading every table and log once; {@code summarize} is applied to every value
     * read then (also to values that later turn out overwritten), so that {@link #forEach} need not
     * decompress the tables a second time.
     */
    LevelDbReader(Path dir, java.util.function.Function<byte[], S> summarize) {
        this.dir = dir;
        this.summarize = summarize;
        try {
            Manifest m = readManifest();
            for (long number : m.liveFiles) {
                openTable(number);
            }
            for (int t = 0; t < tables.size(); t++) {
                indexTable(t);
            }
            for (long number : logsToReplay(m)) {
                replayLog(dir.resolve(String.format("%06d.log", number)));
            }
            index.values().removeIf(Location::deleted);
        } catch (IOException e) {
            close();
            throw new DataException("LevelDB " + dir + " could not be read: " + e, e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Calls {@code each} with every live key, in key order, then forgets the summaries. */
    void forEach(Visitor<S> each) {
        for (Map.Entry<byte[], Location<S>> e : index.entrySet()) {
            byte[] key = e.getKey();
            Location<S> loc = e.getValue();
            each.record(key, loc.summary(), () -> value(key, loc));
        }
        index.replaceAll((k, loc) -> loc.withoutSummary());
    }

    int size() {
        return index.size();
    }

    /** The value of {@code key}, or null. Safe to call from several threads (positional reads). */
    byte[] get(byte[] key) {
        Location<S> loc = index.get(key);
        return loc == null ? null : value(key, loc);
    }

    private byte[] value(byte[] key, Location<S> loc) {
        if (loc.logValue != null) {
            return loc.logValue;
        }
        byte[][] found = new byte[1][];
        try {
            readBlockEntries(loc.table, loc.blockOffset, loc.blockSize, (ikey, value) -> {
                if (found[0] == null && userKeyEquals(ikey, key) && sequence(ikey) == loc.sequence) {
                    found[0] = value;
                }
            });
        } catch (IOException e) {
            throw new DataException("LevelDB " + dir + " table " + tableNames.get(loc.table) + " could not be read: " + e, e);
        }
        if (found[0] == null) {
            throw new DataException("LevelDB " + dir + " table " + tableNames.get(loc.table) + ": a record indexed at open has disappeared; was the database changed while open?");
        }
        return found[0];
    }

    // ------------------------------------------------------------------------------------ manifest

    private static final class Manifest {
        final TreeSet<Long> liveFiles = new TreeSet<>();
        long logNumber;
        long prevLogNumber;
    }

    private Manifest readManifest() throws IOException {
        String current = Files.readString(dir.resolve("CURRENT"), StandardCharsets.UTF_8).strip();
        if (!current.startsWith("MANIFEST-")) {
            throw new DataException("LevelDB " + dir + ": CURRENT names '" + current + "', not a MANIFEST file");
        }
        Path manifest = dir.resolve(current);
        if (!Files.isRegularFile(manifest)) {
            throw new DataException("LevelDB " + dir + ": CURRENT names " + current + ", which does not exist");
        }
        Manifest m = new Manifest();
        for (byte[] record : logRecords(manifest)) {
            Bytes in = new Bytes(record, 0, record.length, "MANIFEST " + current);
            while (in.more()) {
                int tag = (int) in.varint();
                switch (tag) {
                    case 1 -> {
                        String cmp = new String(in.lengthPrefixed(), StandardCharsets.UTF_8);
                        if (!cmp.equals("leveldb.BytewiseComparator")) {
                            throw new DataException("LevelDB " + dir + " uses the key comparator '" + cmp + "'; only leveldb.BytewiseComparator (Caffe's) is supported");
                        }
                    }
                    case 2 -> m.logNumber = in.varint();
                    case 3, 4 -> in.varint();  // next file number, last sequence
                    case 5 -> {  // compact pointer
                        in.varint();
                        in.lengthPrefixed();
                    }
                    case 6 -> {  // deleted file
                        in.varint();
                        long number = in.varint();
                        m.liveFiles.remove(number);
                    }
                    case 7 -> {  // new file
                        in.varint();  // level: every live table is read, whatever its level
                        long number = in.varint();
                        in.varint();
                        in.lengthPrefixed();
                        in.lengthPrefixed();
                        m.liveFiles.add(number);
                    }
                    case 9 -> m.prevLogNumber = in.varint();
                    default -> throw new DataException("LevelDB " + dir + ": MANIFEST " + current + " has an unknown entry (tag " + tag + "); is it corrupt?");
                }
            }
        }
        return m;
    }

    private List<Long> logsToReplay(Manifest m) throws IOException {
        List<Long> logs = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("\\d+\\.log")) {
                    long number = Long.parseLong(name.substring(0, name.length() - 4));
                    if (number >= m.logNumber || number == m.prevLogNumber) {
                        logs.add(number);
                    }
                }
            }
        }
        logs.sort(null);
        return logs;
    }

    /** The records of a LevelDB log file (the MANIFEST and the write-ahead logs share this format). */
    private List<byte[]> logRecords(Path file) throws IOException {
        byte[] data = Files.readAllBytes(file);
        List<byte[]> records = new ArrayList<>();
        java.io.ByteArrayOutputStream pending = null;
        int pos = 0;
        while (pos < data.length) {
            int blockLeft = LOG_BLOCK - pos % LOG_BLOCK;
            if (blockLeft < 7) {
                pos += blockLeft;  // the block's zero trailer
                continue;
            }
            if (pos + 7 > data.length) {
                break;  // a header cut off by a crash: the write never completed
            }
            int length = (data[pos + 4] & 0xff) | (data[pos + 5] & 0xff) << 8;
            int type = data[pos + 6] & 0xff;
            if (type == 0 && length == 0) {
                pos += blockLeft;  // preallocated, never written
                continue;
            }
            if (pos + 7 + length > data.length) {
                break;  // a record cut off by a crash
            }
            int crc = littleInt(data, pos);
            if (unmask(crc) != crc32c(data, pos + 6, 1 + length)) {
                throw new DataException("LevelDB " + dir + ": " + file.getFileName() + " has a bad checksum at byte " + pos + "; the file is corrupt");
            }
            byte[] fragment = Arrays.copyOfRange(data, pos + 7, pos + 7 + length);
            pos += 7 + length;
            switch (type) {
                case 1 -> records.add(fragment);
                case 2 -> {
                    pending = new java.io.ByteArrayOutputStream();
                    pending.writeBytes(fragment);
                }
                case 3, 4 -> {
                    if (pending == null) {
                        throw new DataException("LevelDB " + dir + ": " + file.getFileName() + " has a record continuation without a start; the file is corrupt");
                    }
                    pending.writeBytes(fragment);
                    if (type == 4) {
                        records.add(pending.toByteArray());
                        pending = null;
                    }
                }
                default -> throw new DataException("LevelDB " + dir + ": " + file.getFileName() + " has a record of unknown type " + type + "; the file is corrupt");
            }
        }
        return records;
    }

    /** Applies the write batches of a write-ahead log on top of the tables. */
    private void replayLog(Path file) throws IOException {
        for (byte[] batch : logRecords(file)) {
            Bytes in = new Bytes(batch, 0, batch.length, "log " + file.getFileName());
            long sequence = in.fixed64();
            long count = in.fixed32() & 0xffffffffL;
            for (long k = 0; k < count; k++, sequence++) {
                int type = in.byteValue();
                byte[] key = in.lengthPrefixed();
                byte[] value = type == TYPE_VALUE ? in.lengthPrefixed() : null;
                if (type != TYPE_VALUE && type != TYPE_DELETION) {
                    throw new DataException("LevelDB " + dir + ": " + file.getFileName() + " holds a write of unknown type " + type + "; the file is corrupt");
                }
                offer(key, new Location<>(sequence, type == TYPE_DELETION, -1, 0, 0, value, value == null ? null : summarize.apply(value)));
            }
        }
    }

    private void offer(byte[] userKey, Location<S> loc) {
        Location<S> old = index.get(userKey);
        if (old == null || loc.sequence > old.sequence) {
            index.put(userKey, loc);
        }
    }

    // --------------------------------------------------------------------------------------- tables

    private void openTable(long number) throws IOException {
        Path file = dir.resolve(String.format("%06d.ldb", number));
        if (!Files.exists(file)) {
            file = dir.resolve(String.format("%06d.sst", number));
        }
        if (!Files.isRegularFile(file)) {
            throw new DataException("LevelDB " + dir + ": the table " + String.format("%06d.ldb", number) + " that the MANIFEST lists is missing");
        }
        tables.add(FileChannel.open(file, StandardOpenOption.READ));
        tableNames.add(file.getFileName().toString());
    }

    private void indexTable(int t) throws IOException {
        FileChannel ch = tables.get(t);
        long size = ch.size();
        String name = tableNames.get(t);
        if (size < 48) {
            throw new DataException("LevelDB " + dir + ": table " + name + " is " + size + " bytes, too short for a table");
        }
        byte[] footer = read(ch, size - 48, 48);
        Bytes f = new Bytes(footer, 0, 48, "table " + name);
        long magic = new Bytes(footer, 40, 48, "table " + name).fixed64();
        if (magic != TABLE_MAGIC) {
            throw new DataException("LevelDB " + dir + ": " + name + " is not a LevelDB table (wrong magic number)");
        }
        f.varint();  // metaindex handle: filters, not needed
        f.varint();
        long indexOffset = f.varint();
        long indexSize = f.varint();
        readBlockEntries(t, indexOffset, indexSize, (separator, handle) -> {
            Bytes h = new Bytes(handle, 0, handle.length, "table " + name + " index");
            long offset = h.varint();
            long blockSize = h.varint();
            try {
                readBlockEntries(t, offset, blockSize, (ikey, value) -> {
                    if (ikey.length < 8) {
                        throw new DataException("LevelDB " + dir + ": table " + name + " holds a key of " + ikey.length + " bytes, shorter than LevelDB's 8-byte tag");
                    }
                    int type = ikey[ikey.length - 8] & 0xff;
                    boolean deleted = type == TYPE_DELETION;
                    offer(Arrays.copyOf(ikey, ikey.length - 8),
                            new Location<>(sequence(ikey), deleted, t, offset, blockSize, null, deleted ? null : summarize.apply(value)));
                });
            } catch (IOException e) {
                throw new DataException("LevelDB " + dir + ": table " + name + " could not be read: " + e, e);
            }
        });
    }

    /** Decodes one block (checksum, Snappy) and calls {@code each} with every (key, value) in it. */
    private void readBlockEntries(int t, long offset, long size, BiConsumer<byte[], byte[]> each) throws IOException {
        FileChannel ch = tables.get(t);
        String name = tableNames.get(t);
        if (offset < 0 || size < 0 || offset + size + 5 > ch.size()) {
            throw new DataException("LevelDB " + dir + ": table " + name + " points to a block beyond its end; the file is corrupt");
        }
        byte[] raw = read(ch, offset, (int) size + 5);
        int type = raw[(int) size] & 0xff;
        if (unmask(littleInt(raw, (int) size + 1)) != crc32c(raw, 0, (int) size + 1)) {
            throw new DataException("LevelDB " + dir + ": table " + name + " has a bad block checksum at byte " + offset + "; the file is corrupt");
        }
        byte[] block;
        if (type == 0) {
            block = Arrays.copyOf(raw, (int) size);
        } else if (type == 1) {
            try {
                block = Snappy.uncompress(raw, 0, (int) size);
            } catch (CorruptionException e) {
                throw new DataException("LevelDB " + dir + ": table " + name + " has a block at byte " + offset + " that is not valid Snappy data", e);
            }
        } else {
            throw new DataException("LevelDB " + dir + ": table " + name + " has a block compressed with unknown type " + type
                    + " (LevelDB writes 0 = none or 1 = Snappy)");
        }
        String what = "table " + name + " block at byte " + offset;
        if (block.length < 4) {
            throw new DataException("LevelDB " + dir + ": " + what + " is too short");
        }
        int restarts = littleInt(block, block.length - 4);
        long entriesEnd = block.length - 4 - 4L * restarts;
        if (restarts < 0 || entriesEnd < 0) {
            throw new DataException("LevelDB " + dir + ": " + what + " is corrupt (" + restarts + " restart points)");
        }
        Bytes in = new Bytes(block, 0, (int) entriesEnd, what);
        byte[] key = new byte[0];
        while (in.more()) {
            int shared = (int) in.varint();
            int unshared = (int) in.varint();
            int valueLength = (int) in.varint();
            if (shared > key.length) {
                throw new DataException("LevelDB " + dir + ": " + what + " is corrupt (a key shares more bytes than the previous has)");
            }
            byte[] next = Arrays.copyOf(key, shared + unshared);
            System.arraycopy(in.take(unshared), 0, next, shared, unshared);
            key = next;
            each.accept(key, in.take(valueLength));
        }
    }

    private static byte[] read(FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (offset + b.position()));
            }
        }
        return b.array();
    }

    private static long sequence(byte[] internalKey) {
        long tag = 0;
        for (int k = 7; k >= 0; k--) {
            tag = tag << 8 | (internalKey[internalKey.length - 8 + k] & 0xff);
        }
        return tag >>> 8;
    }

    private static boolean userKeyEquals(byte[] internalKey, byte[] userKey) {
        return internalKey.length == userKey.length + 8 && Arrays.equals(internalKey, 0, userKey.length, userKey, 0, userKey.length);
    }

    private static int littleInt(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static int crc32c(byte[] b, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(b, from, length);
        return (int) c.getValue();
    }

    /** LevelDB stores CRCs "masked" (rotated and offset) so that CRCs of CRCs stay strong. */
    private static int unmask(int masked) {
        int rot = masked - 0xa282ead8;
        return rot >>> 17 | rot << 15;
    }

    @Override
    public void close() {
        for (FileChannel ch : tables) {
            try {
                ch.close();
            } catch (IOException e) {
                // read-only channels: nothing to lose
            }
        }
    }

    /** A cursor over a byte range that reports truncation with the file's name. */
    private final class Bytes {
        private final byte[] b;
        private final int end;
        private final String what;
        private int pos;

        Bytes(byte[] b, int from, int end, String what) {
            this.b = b;
            this.pos = from;
            this.end = end;
            this.what = what;
        }

        boolean more() {
            return pos < end;
        }

        private DataException truncated() {
            return new DataException("LevelDB " + dir + ": " + what + " is truncated or corrupt at byte " + pos);
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw truncated();
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw truncated();
        }

        int byteValue() {
            if (pos >= end) {
                throw truncated();
            }
            return b[pos++] & 0xff;
        }

        byte[] take(int n) {
            if (n < 0 || n > end - pos) {
                throw truncated();
            }
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        byte[] lengthPrefixed() {
            long n = varint();
            if (n > Integer.MAX_VALUE) {
                throw truncated();
            }
            return take((int) n);
        }

        long fixed64() {
            byte[] x = take(8);
            long v = 0;
            for (int k = 7; k >= 0; k--) {
                v = v << 8 | (x[k] & 0xff);
            }
            return v;
        }

        int fixed32() {
            return littleInt(take(4), 0);
        }
    }
}
