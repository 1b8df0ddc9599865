package org.graft.onnx;

import java.util.Arrays;
import org.graft.layers.Phase;
import org.graft.net.DataFeed;
import org.graft.net.config.LayerConfig;
import org.graft.solver.Trainer;

/** The C×H×W of the images a data layer feeds (after its crop): given by the user, or read from its source. */
final class DataShapes {
    private DataShapes() {
    }

    static int[] imageShape(LayerConfig data, int[] given) {
        int crop = data.transformParam().cropSize();
        if (given != null) {
            if (given.length != 3 || Arrays.stream(given).anyMatch(d -> d <= 0)) {
                throw new OnnxExportException("--input-shape expects C,H,W (three positive numbers), got " + Arrays.toString(given));
            }
            if (crop > 0 && (given[1] != crop || given[2] != crop)) {
                throw OnnxExportException.of(data, "--input-shape " + given[0] + "," + given[1] + "," + given[2]
                        + " disagrees with its crop_size " + crop + " (the input is the cropped image: " + given[0] + "," + crop + "," + crop + ")");
            }
            return given.clone();
        }
        try (DataFeed feed = DataFeed.open(data, Phase.TEST, 0, Trainer.caffeMeanLoader())) {
            int[] s = feed.dataShape();
            return new int[] {s[1], s[2], s[3]};
        } catch (RuntimeException e) {
            throw OnnxExportException.of(data, "the shape of its images is not in the net and its source could not be read ("
                    + e.getMessage() + "); give --input-shape C,H,W");
        }
    }
}
