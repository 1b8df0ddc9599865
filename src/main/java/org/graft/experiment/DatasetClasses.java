package org.graft.experiment;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.graft.io.InputFiles;
import org.graft.layers.Phase;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetConfig;

/**
 * Examples per class in a net's data source for one phase, read from the labels alone (IDX label files,
 * image lists) so that an experiment can be checked against its dataset before anything trains. Returns
 * null for sources whose labels cannot be read cheaply (LMDB, CIFAR); the experiment then relies on its
 * num_classes.
 */
final class DatasetClasses {
    private DatasetClasses() {
    }

    /** Count of examples per class id in the phase's first data layer, or null when not cheaply known. */
    static int[] count(NetConfig net, Phase phase) {
        LayerConfig data = net.layersFor(phase).stream()
                .filter(l -> l.type() == LayerType.DATA || l.type() == LayerType.IMAGE_DATA).findFirst().orElse(null);
        if (data == null) {
            return null;
        }
        try {
            if (data.type() == LayerType.DATA && data.dataParam().labelSource() != null) {
                return idxLabels(data.dataParam().labelSource());
            }
            if (data.type() == LayerType.IMAGE_DATA) {
                return listLabels(data.imageDataParam().source());
            }
        } catch (IOException e) {
            throw new ExperimentException("cannot read the labels of data layer '" + data.name() + "' (" + phase + "): " + e.getMessage(), e);
        }
        return null;
    }

    private static int[] idxLabels(Path file) throws IOException {
        if (InputFiles.problem(file) != null) {
            throw new ExperimentException("the IDX label file " + file + " " + InputFiles.problem(file));
        }
        byte[] b = Files.readAllBytes(file);
        if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
                b = in.readAllBytes();
            }
        }
        if (b.length < 8) {
            throw new ExperimentException("the IDX label file " + file + " is truncated");
        }
        int n = ((b[4] & 0xff) << 24) | ((b[5] & 0xff) << 16) | ((b[6] & 0xff) << 8) | (b[7] & 0xff);
        int[] counts = new int[256];
        int max = -1;
        for (int i = 0; i < n && 8 + i < b.length; i++) {
            int l = b[8 + i] & 0xff;
            counts[l]++;
            max = Math.max(max, l);
        }
        return java.util.Arrays.copyOf(counts, max + 1);
    }

    private static int[] listLabels(Path file) throws IOException {
        if (InputFiles.problem(file) != null) {
            throw new ExperimentException("the image list " + file + " " + InputFiles.problem(file));
        }
        int[] counts = new int[16];
        int max = -1;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String t = line.strip();
                int cut = t.lastIndexOf(' ');
                if (t.isEmpty() || cut < 0) {
                    continue;
                }
                int l;
                try {
                    l = Integer.parseInt(t.substring(cut + 1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (l < 0) {
                    continue;
                }
                if (l >= counts.length) {
                    counts = java.util.Arrays.copyOf(counts, Math.max(l + 1, counts.length * 2));
                }
                counts[l]++;
                max = Math.max(max, l);
            }
        }
        return java.util.Arrays.copyOf(counts, max + 1);
    }
}
