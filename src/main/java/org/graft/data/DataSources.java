package org.graft.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Opens a dataset from a path alone, recognising its format by content as {@code mean} needs: an LMDB
 * (a folder with data.mdb, or the data.mdb file), a LevelDB (a folder with CURRENT), an IDX image file
 * (magic 0x00000803, gzipped or not; its labels come from {@code idxLabels}), or else a Caffe image list.
 */
public final class DataSources {
    private DataSources() {
    }

    public static Dataset open(Path source, Path idxLabels, ImageListDataset.Spec listSpec) {
        if (Files.isDirectory(source)) {
            if (Files.exists(source.resolve("data.mdb"))) {
                return new LmdbDataset(source);
            }
            if (Files.exists(source.resolve("CURRENT"))) {
                return new LevelDbDataset(source);
            }
            throw new DataException(source + " is a folder but neither an LMDB (no data.mdb) nor a LevelDB (no CURRENT file)");
        }
        if (!Files.exists(source)) {
            throw new DataException(source + " does not exist");
        }
        if (!Files.isRegularFile(source)) {
            throw new DataException(source + " is a device or other special file, not a file");
        }
        if (source.getFileName().toString().equals("data.mdb")) {
            return new LmdbDataset(source);
        }
        if (isIdxImages(source)) {
            if (idxLabels == null) {
                throw new DataException(source + " is an IDX image file; give its label file with --labels");
            }
            return new IdxDataset(source, idxLabels);
        }
        return new ImageListDataset(source, listSpec);
    }

    private static boolean isIdxImages(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] head = raw.readNBytes(4);
            if (DataFiles.isGzip(head)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    head = in.readNBytes(4);
                } catch (IOException e) {
                    return false;
                }
            }
            return head.length == 4 && DataFiles.bigEndianInt(head, 0) == 0x00000803;
        } catch (IOException e) {
            throw new DataException(file + " could not be read: " + e.getMessage(), e);
        }
    }
}
