package org.graft.data;

import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * A Caffe LMDB of {@code Datum} records ({@link DatumDatabase} has the record checks). {@code path} is the
 * LMDB folder (holding data.mdb) or the data.mdb file itself. The database is opened read-only without a
 * lock file, so nothing is written next to the user's data; it must therefore not be written while
 * training reads it.
 *
 * <p>The open-time walk reads records through views into the memory map (see {@link DatumScan}), so
 * indexing touches little more than each record's header and tail. Each {@link #image} call reads in its
 * own short read transaction, which LMDB allows from any thread here (no lock table, no thread-local
 * reader slots), so the loader's prefetch thread may read while another thread holds the dataset.
 */
public final class LmdbDataset extends DatumDatabase {
    private final Env<Pointer> env;
    private final Dbi<Pointer> db;

    public LmdbDataset(Path path) {
        super("LMDB", path);
        env = openEnv(path);
        try {
            db = env.openDbi((byte[]) null);
            open();
        } catch (LmdbException e) {
            env.close();
            throw new DataException("LMDB " + path + " could not be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            env.close();
            throw e;
        }
    }

    private static Env<Pointer> openEnv(Path path) {
        if (!Files.exists(path)) {
            throw new DataException("LMDB " + path + " does not exist");
        }
        boolean folder = Files.isDirectory(path);
        if (folder && !Files.isRegularFile(path.resolve("data.mdb"))) {
            throw new DataException("LMDB " + path + " is not an LMDB: the folder holds no data.mdb");
        }
        EnvFlags[] flags = folder
                ? new EnvFlags[] {EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOTLS}
                : new EnvFlags[] {EnvFlags.MDB_RDONLY_ENV, EnvFlags.MDB_NOLOCK, EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOSUBDIR};
        try {
            // The map grows to the file's size on open; no map size needs guessing for reading.
            return Env.create(LmdbPointerProxy.INSTANCE).open(path.toFile(), flags);
        } catch (Env.FileInvalidException | Env.VersionMismatchException e) {
            throw new DataException("LMDB " + path + " is not an LMDB (" + e.getMessage() + ")", e);
        } catch (LmdbException e) {
            throw new DataException("LMDB " + path + " could not be opened: " + e.getMessage(), e);
        }
    }

    @Override
    protected void walk(Visitor v) {
        try (Txn<Pointer> txn = env.txnRead(); Cursor<Pointer> c = db.openCursor(txn)) {
            for (boolean more = c.first(); more; more = c.next()) {
                byte[] key = LmdbPointerProxy.bytes(c.key());
                Pointer value = c.val();
                DatumScan d;
                try {
                    d = DatumScan.of(value);
                } catch (DatumScan.NotADatum e) {
                    throw notADatum(key, e.getMessage());
                }
                v.record(key, d, () -> LmdbPointerProxy.bytes(value));
            }
        }
    }

    /** Copies the value out of the map inside a short read transaction. */
    @Override
    protected byte[] get(byte[] key) {
        Pointer k = LmdbPointerProxy.nativeCopy(key, 0, key.length);
        try (Txn<Pointer> txn = env.txnRead()) {
            Pointer value = db.get(txn, k);
            return value == null ? null : LmdbPointerProxy.bytes(value);
        } catch (LmdbException e) {
            throw new DataException(where(key) + " could not be read: " + e.getMessage(), e);
        }
    }

    @Override
    protected void release() {
        env.close();
    }
}
