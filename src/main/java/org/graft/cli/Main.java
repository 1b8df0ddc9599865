package org.graft.cli;

import java.io.PrintWriter;
import org.graft.caffe.CaffeFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of {@code engine.jar}. Every sub-command reports failures as one clear message (and an
 * exit code ≠ 0), never as a bare stack trace; {@code GRAFT_DEBUG=1} adds the trace for bug reports.
 */
@Command(name = "engine.jar", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Graft: a pure-Java OpenCL deep-learning engine for transfer-learning experiments (Yosinski et al. 2014).",
        subcommands = {DevicesCommand.class, TrainCommand.class, TimeCommand.class, TuneCommand.class, BenchCommand.class, SelftestCommand.class, ImportCommand.class, ForwardCommand.class, ExportCommand.class, TestCommand.class, TransferCommand.class, ConvertCommand.class, MeanCommand.class, PlotCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Option(names = "--lenient", scope = CommandLine.ScopeType.INHERIT, description = "Skip fields of a Caffe prototxt or solver that"
            + " Caffe does not know (a fork's extras), one warning line each, instead of refusing them.")
    void lenient(boolean on) {
        CaffeFiles.lenient(on);
    }

    public static void main(String[] args) {
        // Device work runs on a large-stack thread: some CPU drivers (PoCL 'basic') execute kernels on
        // the waiting thread and need more than the JVM's default stack (see DeviceThreads).
        System.exit(org.graft.engine.DeviceThreads.call("graft-main", () -> run(args)));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handle);
        CaffeFiles.lenient(false); // each invocation starts strict; --lenient turns it on for this one
        try {
            return cl.execute(args);
        } catch (Error e) {
            // An Error (e.g. OutOfMemoryError) passes picocli's handler: report it the same way.
            return report(e, cl.getErr());
        } finally {
            CaffeFiles.lenient(false);
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parse) {
        return report(e, cmd.getErr());
    }

    /** One line naming the problem; the stack trace only with GRAFT_DEBUG=1 (for bug reports). */
    private static int report(Throwable e, PrintWriter err) {
        err.println("error: " + UserErrors.describe(e));
        if (System.getenv("GRAFT_DEBUG") != null) {
            e.printStackTrace(err);
        } else {
            err.println("(set GRAFT_DEBUG=1 for the stack trace)");
        }
        err.flush();
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"Graft " + (v == null ? "(development build)" : v)};
        }
    }
}
