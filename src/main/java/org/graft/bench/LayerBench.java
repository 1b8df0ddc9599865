package org.graft.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.graft.engine.Blob;
import org.graft.engine.Engine;
import org.graft.layers.Layer;
import org.graft.layers.Pass;
import org.graft.ops.convolution.ConvolutionLayer;
import org.graft.ops.innerproduct.InnerProductLayer;

/**
 * Forward and backward passes of real layers with random data, for the benchmark: CaffeNet's
 * convolutions and inner products at a given batch size. Backward computes every gradient (weights,
 * bias and bottom), which is what {@link Layer#backwardFlops()} counts.
 */
public final class LayerBench implements AutoCloseable {
    private final Engine e;
    private final int batch;
    private final List<AutoCloseable> owned = new ArrayList<>();

    public LayerBench(Engine e, int batch) {
        this.e = e;
        this.batch = batch;
    }

    /** conv1–conv5 of CaffeNet: (name, channels, height = width, outputs, kernel, stride, pad, group). */
    public List<BenchCase> caffeNetConvolutions() {
        List<BenchCase> cases = new ArrayList<>();
        cases.addAll(layer(new ConvolutionLayer("conv1", ConvolutionLayer.Spec.square(96, 11, 4, 0)), 3, 227, 227));
        cases.addAll(layer(new ConvolutionLayer("conv2", ConvolutionLayer.Spec.square(256, 5, 1, 2, 2)), 96, 27, 27));
        cases.addAll(layer(new ConvolutionLayer("conv3", ConvolutionLayer.Spec.square(384, 3, 1, 1)), 256, 13, 13));
        cases.addAll(layer(new ConvolutionLayer("conv4", ConvolutionLayer.Spec.square(384, 3, 1, 1, 2)), 384, 13, 13));
        cases.addAll(layer(new ConvolutionLayer("conv5", ConvolutionLayer.Spec.square(256, 3, 1, 1, 2)), 384, 13, 13));
        return cases;
    }

    /** fc6–fc8 of CaffeNet. */
    public List<BenchCase> caffeNetInnerProducts() {
        List<BenchCase> cases = new ArrayList<>();
        cases.addAll(layer(new InnerProductLayer("fc6", new InnerProductLayer.Spec(4096)), 256, 6, 6));
        cases.addAll(layer(new InnerProductLayer("fc7", new InnerProductLayer.Spec(4096)), 4096));
        cases.addAll(layer(new InnerProductLayer("fc8", new InnerProductLayer.Spec(1000)), 4096));
        return cases;
    }

    /** Sets the layer up on a (batch, dims...) bottom filled with random values; returns its forward and backward cases. */
    private List<BenchCase> layer(Layer layer, int... dims) {
        owned.add(layer);
        int[] shape = new int[dims.length + 1];
        shape[0] = batch;
        System.arraycopy(dims, 0, shape, 1, dims.length);
        Blob bottom = blob(layer.name() + ".bottom", shape);
        int[] topShape = layer.setUp(e, List.of(shape)).get(0);
        Blob top = blob(layer.name() + ".top", topShape);
        Random r = new Random(layer.name().hashCode());
        bottom.upload(uniform(r, bottom.count(), 1f));
        top.uploadDiff(uniform(r, top.count(), 1f));
        layer.params().forEach(p -> {
            p.blob().upload(uniform(r, p.blob().count(), 0.01f));
            p.blob().zeroDiff();
        });
        List<Blob> bottoms = List.of(bottom);
        List<Blob> tops = List.of(top);
        String shapeText = Arrays.toString(shape) + " -> " + Arrays.toString(topShape);
        Pass pass = Pass.train(0, 1);
        boolean[] down = {true};
        return List.of(
                new BenchCase(layer.name() + " forward", shapeText, layer.forwardFlops(), () -> layer.forward(bottoms, tops, pass)),
                new BenchCase(layer.name() + " backward", shapeText, layer.backwardFlops(), () -> layer.backward(tops, bottoms, down, pass)));
    }

    private Blob blob(String name, int[] shape) {
        Blob b = new Blob(e, name, shape);
        owned.add(b);
        return b;
    }

    private static float[] uniform(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return v;
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : owned) {
            c.close();
        }
        owned.clear();
    }
}
