package org.graft.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.graft.data.BatchLoader;
import org.graft.data.CifarDataset;
import org.graft.data.ClassSubset;
import org.graft.data.DataException;
import org.graft.data.Dataset;
import org.graft.data.IdxDataset;
import org.graft.data.ImageListDataset;
import org.graft.data.LmdbDataset;
import org.graft.data.MeanImage;
import org.graft.data.Transformer;
import org.graft.engine.Blob;
import org.graft.layers.Phase;
import org.graft.net.config.DataParam;
import org.graft.net.config.ImageDataParam;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.TransformParam;

/**
 * A Data or ImageData layer of a net.json turned into a batch source: the dataset (class subset applied),
 * Caffe's transform, and a prefetching {@link BatchLoader}. Its tops (data, and label if present) are
 * the net's inputs; {@link #feed} uploads the next batch into them.
 */
public final class DataFeed implements AutoCloseable {
    private final LayerConfig config;
    private final BatchLoader loader;
    /** The opened source when it holds resources (an LMDB map), closed after the loader; else null. */
    private final AutoCloseable source;

    private DataFeed(LayerConfig config, BatchLoader loader, AutoCloseable source) {
        this.config = config;
        this.loader = loader;
        this.source = source;
    }

    /** Opens the data source of {@code lc}; every file problem is reported here, before training starts. */
    public static DataFeed open(LayerConfig lc, Phase phase, long seed, MeanImageLoader meanLoader) {
        Dataset data;
        int batch;
        List<Integer> classes;
        Integer limit = null;
        switch (lc.type()) {
            case DATA -> {
                DataParam p = lc.dataParam();
                data = switch (p.backend()) {
                    case IDX -> {
                        if (p.labelSource() == null) {
                            throw new DataException("layer '" + lc.name() + "': data_param.label_source (the IDX label file) is required for backend IDX");
                        }
                        yield new IdxDataset(p.source(), p.labelSource());
                    }
                    case CIFAR -> cifar(p.source());
                    case LMDB -> new LmdbDataset(p.source());
                    case LEVELDB -> throw new DataException("layer '" + lc.name() + "': LevelDB is not read; convert the database"
                            + " to LMDB with Caffe's convert_imageset --backend=lmdb");
                };
                batch = p.batchSize();
                classes = p.classes();
                limit = p.limit();
            }
            case IMAGE_DATA -> {
                ImageDataParam p = lc.imageDataParam();
                data = new ImageListDataset(p.source(), new ImageListDataset.Spec(
                        p.rootFolder() == null ? "" : p.rootFolder().toString(), p.newHeight(), p.newWidth(), p.isColor()));
                batch = p.batchSize();
                classes = p.classes();
            }
            default -> throw new IllegalArgumentException("layer '" + lc.name() + "' is not a data layer");
        }
        AutoCloseable source = data instanceof AutoCloseable c ? c : null;
        try {
            if (!classes.isEmpty()) {
                int[] cls = classes.stream().mapToInt(Integer::intValue).toArray();
                data = limit != null ? new ClassSubset(data, cls, limit) : new ClassSubset(data, cls);
            } else if (limit != null) {
                data = ClassSubset.limit(data, limit);
            }
            TransformParam t = lc.transformParam();
            float[] means = new float[t.meanValue().size()];
            for (int i = 0; i < means.length; i++) {
                means[i] = t.meanValue().get(i);
            }
            MeanImage mean = t.meanFile() != null ? meanLoader.load(t.meanFile()) : null;
            Transformer tr = Transformer.forDataset(new Transformer.Spec(t.scale(), t.mirror(), t.cropSize(), means, mean), data);
            if (batch <= 0) {
                throw new DataException("layer '" + lc.name() + "': batch_size must be positive, got " + batch);
            }
            return new DataFeed(lc, new BatchLoader(data, tr, phase, batch, seed), source);
        } catch (RuntimeException e) {
            closeQuietly(source);
            throw e;
        }
    }

    private static void closeQuietly(AutoCloseable source) {
        if (source == null) {
            return;
        }
        try {
            source.close();
        } catch (Exception e) {
            // Closing after a failure: the original error is the one to report.
        }
    }

    private static Dataset cifar(Path source) {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(source)) {
            try (Stream<Path> s = Files.list(source)) {
                s.filter(p -> p.getFileName().toString().endsWith(".bin")).sorted().forEach(files::add);
            } catch (IOException e) {
                throw new DataException("cannot list CIFAR folder " + source + ": " + e.getMessage());
            }
            if (files.isEmpty()) {
                throw new DataException("CIFAR folder " + source + " holds no .bin files");
            }
        } else {
            files.add(source);
        }
        long size = 0;
        try {
            size = Files.size(files.get(0));
        } catch (IOException e) {
            // CifarDataset reports the missing file with its own message.
        }
        CifarDataset.Variant v = size % 3073 == 0 ? CifarDataset.Variant.CIFAR10 : CifarDataset.Variant.CIFAR100;
        return new CifarDataset(v, files);
    }

    /** Loads a Caffe mean file (binaryproto); supplied by the caller so this class needs no protobuf. */
    public interface MeanImageLoader {
        MeanImage load(Path file);
    }

    public LayerConfig config() {
        return config;
    }

    public String dataTop() {
        return config.top().get(0);
    }

    public String labelTop() {
        return config.top().size() > 1 ? config.top().get(1) : null;
    }

    public int[] dataShape() {
        return loader.dataShape();
    }

    public int batchSize() {
        return loader.batchSize();
    }

    public Dataset dataset() {
        return loader.dataset();
    }

    public BatchLoader loader() {
        return loader;
    }

    /** Uploads the next batch into the net's input blobs. */
    public void feed(Net net) {
        org.graft.data.Batch b = loader.next();
        Blob data = net.blob(dataTop());
        data.upload(b.data());
        if (labelTop() != null) {
            net.blob(labelTop()).upload(b.labels());
        }
    }

    @Override
    public void close() {
        loader.close(); // stops the prefetch thread before the source goes away
        if (source != null) {
            try {
                source.close();
            } catch (Exception e) {
                throw new DataException("layer '" + config.name() + "': closing the data source failed: " + e, e);
            }
        }
    }
}
