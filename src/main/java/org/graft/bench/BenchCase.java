package org.graft.bench;

/**
 * One timed workload of the benchmark: a kernel or a layer pass on the device.
 *
 * @param name  what runs, e.g. "conv2 forward"
 * @param shape the sizes, for the table
 * @param flops floating-point operations of one run (for GFLOP/s)
 * @param body  enqueues one run (the timer calls finish() around it)
 */
public record BenchCase(String name, String shape, double flops, Runnable body) {
}
