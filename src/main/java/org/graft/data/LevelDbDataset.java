package org.graft.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Caffe LevelDB of {@code Datum} records: Caffe's default backend, which the paper's prototxts use
 * ({@link DatumDatabase} has the record checks, shared with the LMDB reader). Read with
 * {@link LevelDbReader}: read-only, no lock file, Snappy-compressed blocks as Caffe writes them. Unlike an
 * LMDB, a LevelDB keeps records compressed, so opening reads (and decompresses) the whole database
 * once, summarising each record as it goes.
 */
public final class LevelDbDataset extends DatumDatabase {
    /** A record's Datum summary, or why it is not a Datum (reported only if the record is live). */
    private record Scan(DatumScan datum, String notADatum) {
        static Scan of(byte[] value) {
            try {
                return new Scan(DatumScan.of(value), null);
            } catch (DatumScan.NotADatum e) {
                return new Scan(null, e.getMessage());
            }
        }
    }

    private final LevelDbReader<Scan> db;

    public LevelDbDataset(Path path) {
        super("LevelDB", path);
        check(path);
        db = new LevelDbReader<>(path, Scan::of);
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
        db.forEach((key, scan, value) -> {
            if (scan.notADatum() != null) {
                throw notADatum(key, scan.notADatum());
            }
            v.record(key, scan.datum(), value);
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
