package org.graft.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * Writes a new LMDB (a folder holding data.mdb) as Caffe's convert_imageset does, but into
 * {@code <name>.partial} first, renamed to the final name by {@link #finish}: an interrupted or failed run
 * leaves no half-written database under the final name (a leftover .partial is replaced by the next run).
 * Records are committed in transactions of {@value #BATCH}, as Caffe does.
 */
final class LmdbWriter implements AutoCloseable {
    static final int BATCH = 1000;
    /** Address space reserved for the map (Caffe's 1 TB); the file only grows as records are written. */
    private static final long MAP_SIZE = 1L << 40;

    private final Path target;
    private final Path partial;
    private final Env<byte[]> env;
    private final Dbi<byte[]> db;
    private Txn<byte[]> txn;
    private int inTxn;
    private boolean finished;

    LmdbWriter(Path target) {
        this.target = target.toAbsolutePath().normalize();
        this.partial = this.target.resolveSibling(this.target.getFileName() + ".partial");
        if (Files.exists(this.target)) {
            throw new DataException("database " + this.target + " already exists; remove it or choose another name");
        }
        try {
            deleteTree(partial);
            Files.createDirectories(partial);
        } catch (IOException e) {
            throw new DataException("cannot create " + partial + ": " + e, e);
        }
        try {
            env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(MAP_SIZE).setMaxDbs(1).open(partial.toFile());
            db = env.openDbi((byte[]) null, DbiFlags.MDB_CREATE);
        } catch (LmdbException e) {
            throw new DataException("cannot create the LMDB " + partial + ": " + e.getMessage(), e);
        }
    }

    void put(String key, byte[] value) {
        try {
            if (txn == null) {
                txn = env.txnWrite();
            }
            db.put(txn, key.getBytes(StandardCharsets.UTF_8), value);
            if (++inTxn == BATCH) {
                commit();
            }
        } catch (LmdbException e) {
            throw new DataException("writing record '" + key + "' to " + partial + " failed: " + e.getMessage(), e);
        }
    }

    private void commit() {
        if (txn != null) {
            txn.commit();
            txn.close();
            txn = null;
            inTxn = 0;
        }
    }

    /** Commits, closes, and renames the database to its final name. */
    void finish() {
        try {
            commit();
            env.sync(true);
        } catch (LmdbException e) {
            throw new DataException("writing " + partial + " failed: " + e.getMessage(), e);
        }
        env.close();
        finished = true;
        try {
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, target);
            }
        } catch (IOException e) {
            throw new DataException("cannot rename " + partial + " to " + target + ": " + e, e);
        }
    }

    Path partial() {
        return partial;
    }

    /** Without {@link #finish}: discards the partial database. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        if (txn != null) {
            txn.abort();
            txn = null;
        }
        env.close();
        try {
            deleteTree(partial);
        } catch (IOException e) {
            // Best effort: the next run replaces a leftover .partial anyway.
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
