package org.graft.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.graft.solver.TrainingCurves;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plot LOG.csv [LOG2.csv ...] -o curves.png}: training curves of one or several runs in one PNG. */
@Command(name = "plot", mixinStandardHelpOptions = true, description = {
        "Draw the training curves of one or more training logs (<snapshot_prefix>_log.csv) into one PNG:",
        "training loss, and test top-1 / top-5 against the iteration; several logs are overlaid."})
final class PlotCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "LOG.csv", description = "Training logs written by train.")
    List<Path> logs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "PNG", description = "The PNG to write.")
    Path output;

    @Override
    public Integer call() {
        TrainingCurves.plot(logs, output);
        System.out.println("Wrote " + output + " (" + logs.size() + " log(s))");
        return 0;
    }
}
