package org.graft.experiment;

import java.util.List;

/**
 * Where the base network is cut for "the first n": chop point n names the block whose output is the cut,
 * and {@code copied} lists, in the net's order, every layer with blobs (weights, biases, BatchNorm statistics)
 * that the block's output depends on. A cell with layer count n keeps those layers' names (so they are
 * copied from its base) and renames every other layer with blobs.
 */
public record ChopPoint(String name, List<String> copied) {
    public ChopPoint {
        copied = List.copyOf(copied);
    }
}
