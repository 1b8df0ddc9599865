package org.graft.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Caffe LevelDB of {@code Datum} records: Caffe's default backend, which the paper's prototxts use
 * ({@link DatumDatabase} has the record checks, shared with the LMDB reader). Read with
 * {@link LevelDbReader}: read-only, no lock file, Snappy-compressed blocks as Caffe writes them. Unlike an
 * LMDB, a LevelDB keeps records compressed, so the open-time walk reads (and decompresses) the whole
 * database once.
 */
public final class LevelDbDataset extends DatumDatabase {
    private final LevelDbReader db;

    public LevelDbDataset(Path path) {
        super("LevelDB", path);
        check(path);
        db = new LevelDbReader(path);
        try {
            open();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private static void check(Path path) {
        if (!Files.exists(path)) {
            throw new DataException("LevelDB " + path + " does not exist");
        }
        if (!Files.isDirectory(path)) {
            throw new DataException("LevelDB " + path + " is a file, not a LevelDB folder");
        }
        if (!Files.isRegularFile(path.resolve("CURRENT"))) {
            throw new DataException("LevelDB " + path + " is not a LevelDB: the folder holds no CURRENT file");
        }
    }

    @Override
    protected void walk(Visitor v) {
        db.forEach((key, value) -> {
            DatumScan d;
            try {
                d = DatumScan.of(value);
            } catch (DatumScan.NotADatum e) {
                throw notADatum(key, e.getMessage());
            }
            v.record(key, d, () -> value);
        });
    }

    @Override
    protected byte[] get(byte[] key) {
        return db.get(key);
    }

    @Override
    protected void release() {
        db.close();
    }
}
