package org.graft.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.graft.engine.Engine;
import org.graft.net.config.NetConfig;
import org.graft.solver.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code train NET.json}: Caffe's train for Graft. */
@Command(name = "train", mixinStandardHelpOptions = true, description = {
        "Train the network described by a net.json (see docs/net-json.md).",
        "Prints progress every 'display' iterations, tests every 'test_interval', writes Caffe snapshots",
        "(<snapshot_prefix>_iter_N.caffemodel/.solverstate) and a CSV log (<snapshot_prefix>_log.csv)."})
final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NET", description = "The net.json to train, or a Caffe net or solver .prototxt.")
    Path net;

    @Option(names = "--weights", paramLabel = "W.caffemodel", description = "Initialise layers with matching names from this caffemodel (V0, V1 or V2).")
    Path weights;

    @Option(names = "--solver", paramLabel = "S.prototxt", description = "Caffe solver for a Caffe .prototxt NET (NET may also be the solver itself).")
    Path solver;

    @Option(names = "--resume", paramLabel = "S.solverstate", description = "Continue a run from its solver state.")
    Path resume;

    @Option(names = "--max-iter", paramLabel = "N", description = "Override the solver's max_iter.")
    Integer maxIter;

    @Option(names = "--seed", paramLabel = "S", description = "Override the solver's random_seed.")
    Long seed;

    @Option(names = "--allow-nonfinite", description = "Load --weights / --resume weights even if they hold NaN or infinite values (warned by layer and blob).")
    boolean allowNonFinite;

    @Option(names = "--no-progress", description = "No live progress bar, even on a terminal.")
    boolean noProgress;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        if (weights != null && resume != null) {
            throw new IllegalArgumentException("give either --weights (fine-tune) or --resume (continue a run), not both");
        }
        NetConfig cfg = Models.load(net, solver);
        boolean terminal = System.console() != null && !noProgress;
        try (Engine engine = device.open()) {
            Trainer.Result r = new Trainer(engine, cfg, new Trainer.Options(weights, resume, maxIter, seed, terminal, allowNonFinite), System.out).run();
            return r.iterations() >= 0 ? 0 : 1;
        }
    }
}
