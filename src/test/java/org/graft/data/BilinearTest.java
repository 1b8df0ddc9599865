package org.graft.data;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graft's resize against OpenCV's INTER_LINEAR, pixel for pixel (testdata/resize, made with cv2.resize). */
class BilinearTest {
    private static final Path DATA = Repo.path("testdata/resize");

    @TempDir
    Path dir;

    @Test
    void resizeMatchesOpenCvExactly() throws IOException {
        int cases = 0;
        for (String line : Files.readAllLines(DATA.resolve("cases.txt"))) {
            String[] t = line.trim().split(" ");
            int i = Integer.parseInt(t[0]);
            int h = Integer.parseInt(t[1]);
            int w = Integer.parseInt(t[2]);
            boolean colour = Integer.parseInt(t[3]) == 3;
            Path list = Files.writeString(dir.resolve("list" + i + ".txt"), "source" + i + ".png 0\n");
            ImageListDataset d = new ImageListDataset(list, new ImageListDataset.Spec(DATA.toString(), h, w, colour));
            float[] px = new float[d.imageSize()];
            d.image(0, px, 0);
            Npy.Array expected = Npy.read(DATA.resolve("expected" + i + ".npy"));
            assertThat(expected.shape()).containsExactly(colour ? 3 : 1, h, w);
            assertThat(px).as("case %d: %s", i, line).containsExactly(expected.data());
            cases++;
        }
        assertThat(cases).isEqualTo(12);
    }
}
