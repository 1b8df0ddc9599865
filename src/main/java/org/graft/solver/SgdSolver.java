package org.graft.solver;

import java.util.ArrayList;
import java.util.List;
import org.graft.engine.Engine;
import org.graft.layers.Param;
import org.graft.layers.Pass;
import org.graft.net.Net;
import org.graft.net.config.SolverConfig;
import org.graft.opencl.ClBuffer;

/**
 * Caffe's SGD solver with momentum, weight decay and per-blob multipliers. One {@link #step} is one
 * iteration on the batch already in the net's inputs; the only host read is the loss at its end.
 * Frozen blobs (lr_mult 0) are never updated and their layers skip the gradient work.
 */
public final class SgdSolver implements AutoCloseable {
    private final Engine engine;
    private final SolverConfig config;
    private final Net net;
    private final List<Param> params;
    private final List<ClBuffer> history = new ArrayList<>();
    private final LearningRate learningRate;
    private final long seed;
    private int iter;

    public SgdSolver(Engine engine, SolverConfig config, Net net, long seed) {
        if (!"SGD".equalsIgnoreCase(config.type())) {
            throw new IllegalArgumentException("solver type '" + config.type() + "' is not supported; Graft implements SGD");
        }
        if (config.iterSize() > 1) {
            throw new IllegalArgumentException("iter_size " + config.iterSize() + " is not supported (only 1)");
        }
        if (config.clipGradients() >= 0) {
            throw new IllegalArgumentException("clip_gradients is not supported yet; remove it or set it to -1");
        }
        this.engine = engine;
        this.config = config;
        this.net = net;
        this.seed = seed;
        this.params = net.params();
        this.learningRate = new LearningRate(config);
        for (Param p : params) {
            ClBuffer h = engine.alloc(p.blob().count(), p.name() + ".history");
            engine.cl().zero(h);
            history.add(h);
        }
    }

    public int iter() {
        return iter;
    }

    public void setIter(int iter) {
        this.iter = iter;
    }

    public long seed() {
        return seed;
    }

    public double learningRate() {
        return learningRate.at(iter);
    }

    public Net net() {
        return net;
    }

    public List<Param> params() {
        return params;
    }

    public List<ClBuffer> history() {
        return history;
    }

    /** Forward, backward and update on the current inputs; returns the loss (checked to be finite). */
    public double step() {
        for (Param p : params) {
            if (!p.frozen()) {
                p.blob().zeroDiff();
            }
        }
        Pass pass = Pass.train(iter, seed);
        net.forward(pass);
        net.backward(pass);
        float rate = (float) learningRate.at(iter);
        float momentum = (float) config.momentum();
        float decay = (float) config.weightDecay();
        for (int i = 0; i < params.size(); i++) {
            SgdUpdate.apply(engine, params.get(i), history.get(i), rate, momentum, decay);
        }
        double loss = net.loss(); // the one sync point of the iteration
        if (!Double.isFinite(loss)) {
            throw new DivergedException(iter, loss);
        }
        iter++;
        return loss;
    }

    @Override
    public void close() {
        history.forEach(ClBuffer::close);
    }
}
