package org.graft.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.graft.io.DisplayPaths;

/**
 * {@code transfer report DIR}: writes {@code results.csv} (one row per network), {@code figure2.png},
 * {@code figure3.png} and {@code report.md} (the figures, Table 1 with confidence intervals and Welch
 * t-tests, the per-n means, and for each of the paper's findings whether this run reproduces it, with
 * the numbers). Everything is computed from the cells' result files; missing cells are reported as such.
 */
public final class ReportWriter {
    public static final String CSV = "results.csv";
    public static final String REPORT = "report.md";
    public static final String FIGURE2 = "figure2.png";
    public static final String FIGURE3 = "figure3.png";

    private ReportWriter() {
    }

    /** Writes the report of {@code plan} with the given options; returns report.md's path. */
    public static Path write(Plan plan, ReportOptions options, PrintStream out) {
        Figures.headless();
        ReportData d = new ReportData(plan, options.metric());
        Path dir = plan.dir();
        ExperimentFiles.writeAtomically(dir.resolve(CSV), csv(d));
        Figures.figure2(d, dir.resolve(FIGURE2));
        Figures.figure3(d, dir.resolve(FIGURE3));
        Evidence e = Evidence.of(d);
        int testImages = d.testImages();
        double tol = tolerance(options, e, testImages);
        List<Finding> findings = Findings.evaluate(e, tol);
        Path md = dir.resolve(REPORT);
        ExperimentFiles.writeAtomically(md, markdown(d, e, findings, tol, options, testImages));
        if (out != null) {
            long done = d.networks().stream().filter(ReportData.Network::done).count();
            out.printf("Report: %s (%d of %d networks finished)%n", DisplayPaths.of(md), done, plan.cells().size());
            for (Finding f : findings) {
                out.printf("  %-8s %-40s %s%n", f.section(), f.title(), f.verdict().text());
            }
        }
        return md;
    }

    /**
     * The tolerance as given in the experiment; else the 95% margin of the difference between two
     * accuracies near the bases' mean, each measured on {@code testImages} test images (1.96·√2 binomial
     * standard errors: test-set sampling noise; seed-to-seed training noise comes on top and is not
     * measured by a grid without repeats); at least the minimum. Without a known test-set size, the
     * spread (sample SD) of the compared base networks.
     */
    static double tolerance(ReportOptions o, Evidence e, int testImages) {
        if (o.tolerance() != null) {
            return o.tolerance();
        }
        double p = Stats.mean(e.bases());
        if (testImages > 0 && !Double.isNaN(p)) {
            return Math.max(o.minTolerance(), 1.96 * Math.sqrt(2 * p * (1 - p) / testImages));
        }
        double sd = Stats.sd(e.bases());
        return Double.isNaN(sd) ? o.minTolerance() : Math.max(o.minTolerance(), sd);
    }

    /** How the tolerance was set, for the report. */
    static String toleranceSource(ReportOptions o, Evidence e, int testImages) {
        if (o.tolerance() != null) {
            return "set in the experiment";
        }
        String floor = String.format(Locale.ROOT, ", at least %.2f pp", 100 * o.minTolerance());
        if (testImages > 0 && e.bases().length > 0) {
            return String.format(Locale.ROOT, "the 95%% margin of a difference between two accuracies of about %s, each measured on %d test "
                    + "images: test-set sampling noise only, since a grid without repeated seeds cannot measure training noise%s",
                    Findings.pct(Stats.mean(e.bases())), testImages, floor);
        }
        return "the standard deviation of the compared base networks" + floor;
    }

    static String csv(ReportData d) {
        StringBuilder sb = new StringBuilder("cell,split,split_kind,treatment,group,n,source,target,target_classes,status,accuracy,metric,"
                + "final_top1,best_top1,final_top5,final_loss,base_accuracy,relative_accuracy,iterations,seed,device,wall_seconds,reason\n");
        Metric best = new Metric(Metric.Kind.BEST, 1);
        for (ReportData.Network x : d.networks()) {
            Cell c = x.cell();
            CellResult r = x.result();
            List<String> row = new ArrayList<>();
            row.add(c.id());
            row.add(c.split());
            row.add(x.split() == null ? "all" : x.split().kind().name().toLowerCase(Locale.ROOT));
            row.add(c.treatment().jsonName());
            row.add(c.treatment().group().label());
            row.add(String.valueOf(c.n()));
            row.add(c.source() == null ? "" : c.source().name());
            row.add(c.target().name());
            row.add(String.valueOf(c.classes().size()));
            row.add(r == null ? "not_run" : r.status().name().toLowerCase(Locale.ROOT));
            row.add(num(x.accuracy()));
            row.add(d.metric().kind().jsonName() + (d.metric().kind() == Metric.Kind.MEAN_BEST ? "_" + d.metric().k() : ""));
            row.add(r == null ? "" : num(r.finalTop1()));
            row.add(r == null ? "" : num(r.accuracy(best)));
            row.add(r == null ? "" : num(r.finalTop5()));
            row.add(r == null ? "" : num(r.finalLoss()));
            row.add(num(x.baseAccuracy()));
            row.add(x.done() ? num(x.relative()) : "");
            row.add(r == null ? "" : String.valueOf(r.iterations()));
            row.add(String.valueOf(c.seed()));
            row.add(r == null || r.device() == null ? "" : quote(r.device()));
            row.add(r == null ? "" : String.format(Locale.ROOT, "%.1f", r.wallSeconds()));
            row.add(r == null || r.reason() == null ? "" : quote(r.reason()));
            sb.append(String.join(",", row)).append('\n');
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private static String quote(String s) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return "\"" + one.replace("\"", "\"\"") + "\"";
    }

    private static String markdown(ReportData d, Evidence e, List<Finding> findings, double tol, ReportOptions o, int testImages) {
        Plan plan = d.plan();
        StringBuilder sb = new StringBuilder();
        sb.append("# Transfer experiment '").append(plan.name()).append("'\n\n");
        sb.append("Reproduction of Yosinski et al. 2014, *How transferable are features in deep neural networks?*, from the results in `")
                .append(DisplayPaths.of(plan.dir())).append("`. Everything below is computed from the cells' `result.json` files by `transfer report`.\n\n");
        status(sb, d);
        sb.append(String.format(Locale.ROOT, "- Accuracy of a network: the %s on its target half's test set.%n", d.metric().describe()));
        sb.append(String.format(Locale.ROOT, "- Tolerance: two accuracies closer than %.2f pp count as equal (%s).%n%n", 100 * tol,
                toleranceSource(o, e, testImages)));

        sb.append("## Findings\n\n| section | finding | this run |\n|---|---|---|\n");
        for (Finding f : findings) {
            sb.append("| ").append(f.section()).append(" | ").append(f.title()).append(" | **").append(f.verdict().text()).append("** |\n");
        }
        sb.append("\nDetails, with the numbers behind each verdict, are [below](#findings-in-detail).\n\n");

        sb.append("## Figure 2: random A/B splits\n\n![Figure 2](").append(FIGURE2).append(")\n\n");
        meansTable(sb, d, e, o);
        sb.append("## Table 1: boost of AnB+ over the controls\n\n");
        table1(sb, e, o);
        sb.append("## Figure 3: dissimilar split and random weights\n\n![Figure 3](").append(FIGURE3).append(")\n\n");
        dissimilarTable(sb, e, o);

        sb.append("## Findings in detail\n\n");
        for (Finding f : findings) {
            sb.append("### ").append(f.section()).append(" ").append(f.title()).append(": ").append(f.verdict().text()).append("\n\n");
            sb.append("*Paper:* ").append(f.paper()).append("\n\n");
            for (Finding.Check c : f.checks()) {
                String mark = c.holds() == null ? "not testable" : c.holds() ? "yes" : "**no**";
                sb.append("- ").append(c.claim()).append(": ").append(mark).append(". ").append(c.numbers()).append("\n");
            }
            sb.append("\n");
        }
        problems(sb, d);
        splits(sb, plan);
        return sb.toString();
    }

    private static void status(StringBuilder sb, ReportData d) {
        long done = 0;
        long failed = 0;
        long skipped = 0;
        long missing = 0;
        double cellSeconds = 0;
        Instant first = null;
        Instant last = null;
        Set<String> devices = new LinkedHashSet<>();
        for (ReportData.Network x : d.networks()) {
            CellResult r = x.result();
            if (r == null) {
                missing++;
                continue;
            }
            switch (r.status()) {
                case DONE -> done++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
            }
            cellSeconds += r.wallSeconds();
            if (r.device() != null) {
                devices.add(r.device() + " (" + r.backend() + ")");
            }
            if (r.started() != null) {
                Instant s = Instant.parse(r.started());
                first = first == null || s.isBefore(first) ? s : first;
            }
            if (r.finished() != null) {
                Instant f = Instant.parse(r.finished());
                last = last == null || f.isAfter(last) ? f : last;
            }
        }
        sb.append(String.format(Locale.ROOT, "- Networks: %d planned, %d finished, %d failed, %d skipped, %d not run yet.%n", d.networks().size(), done,
                failed, skipped, missing));
        if (first != null && last != null) {
            sb.append(String.format(Locale.ROOT, "- Wall time: %s from the first cell's start to the last cell's end; %s of training summed over cells.%n",
                    Durations.of(Duration.between(first, last).toMillis() / 1000.0), Durations.of(cellSeconds)));
        }
        if (!devices.isEmpty()) {
            sb.append("- Devices: ").append(String.join("; ", devices)).append(".\n");
        }
        if (d.plan().chopPoints() != null) {
            sb.append(String.format(Locale.ROOT, "- Network: %d chop points (%s), n counts them (L = %d); n = %s; %d iterations per network.%n",
                    d.plan().chopPoints().size(), String.join(", ", d.plan().chopPoints()), d.plan().depth(), d.plan().n(), d.plan().maxIter()));
        } else {
            sb.append(String.format(Locale.ROOT, "- Network: L = %d learnable layers (%s); n = %s; %d iterations per network.%n", d.plan().depth(),
                    String.join(", ", d.plan().learnable()), d.plan().n(), d.plan().maxIter()));
        }
    }

    private static void meansTable(StringBuilder sb, ReportData d, Evidence e, ReportOptions o) {
        List<Treatment.Group> groups = List.of(Treatment.Group.SELFFER, Treatment.Group.SELFFER_FT, Treatment.Group.TRANSFER, Treatment.Group.TRANSFER_FT);
        boolean paper = o.paperNumbers();
        sb.append("Mean top-1 accuracy per n on the similar (random) splits, with the number of networks; baseB = ")
                .append(Findings.pct(Stats.mean(e.bases()))).append(" (").append(e.bases().length).append(" networks")
                .append(paper ? "; paper " + Findings.pct(PaperNumbers.BASE) : "").append(").\n\n| n |");
        for (Treatment.Group g : groups) {
            sb.append(" ").append(g.label()).append(" |");
            if (paper) {
                sb.append(" paper ").append(g.label()).append(" |");
            }
        }
        sb.append("\n|---|").append(("---|").repeat(groups.size() * (paper ? 2 : 1))).append("\n");
        for (int n : d.plan().n()) {
            sb.append("| ").append(n).append(" |");
            for (Treatment.Group g : groups) {
                double[] v = e.group(g, n);
                sb.append(" ").append(v.length == 0 ? "–" : Findings.pct(Stats.mean(v)) + " (" + v.length + ")").append(" |");
                if (paper) {
                    double[] p = PaperNumbers.of(g);
                    sb.append(" ").append(n <= p.length ? Findings.pct(p[n - 1]) : "–").append(" |");
                }
            }
            sb.append("\n");
        }
        sb.append("\n");
    }

    private static void table1(StringBuilder sb, Evidence e, ReportOptions o) {
        List<Table1.Row> rows = Table1.compute(e, o.table1Ranges());
        sb.append("Mean boost = mean accuracy of AnB+ over the layers aggregated minus the mean of the control; 95% confidence interval of that difference "
                + "and p-value of Welch's two-sided t-test (Apache Commons Math); counts are networks (AnB+ / control).\n\n");
        sb.append("| layers aggregated | boost over baseB | 95% CI | p | count | boost over BnB+ | 95% CI | p | count |");
        if (o.paperNumbers()) {
            sb.append(" paper: over baseB | paper: over BnB+ |");
        }
        sb.append("\n|---|---|---|---|---|---|---|---|---|").append(o.paperNumbers() ? "---|---|" : "").append("\n");
        for (Table1.Row r : rows) {
            sb.append("| ").append(r.from()).append("–").append(r.to()).append(" | ");
            cellsOf(sb, r.overBase());
            sb.append(" | ");
            cellsOf(sb, r.overSelffer());
            sb.append(" |");
            if (o.paperNumbers()) {
                double[] p = PaperNumbers.TABLE1.stream().filter(x -> x[0] == r.from() && x[1] == r.to()).findFirst().orElse(null);
                sb.append(p == null ? " – | – |" : String.format(Locale.ROOT, " %.1f%% | %.1f%% |", 100 * p[2], 100 * p[3]));
            }
            sb.append("\n");
        }
        sb.append("\n");
    }

    private static void cellsOf(StringBuilder sb, Stats.Difference d) {
        if (d.na() == 0 || d.nb() == 0) {
            sb.append("– | – | – | ").append(d.na()).append(" / ").append(d.nb());
            return;
        }
        sb.append(Findings.pp(d.diff())).append(" | ");
        sb.append(Double.isNaN(d.low()) ? "–" : Findings.pp(d.low()) + " … " + Findings.pp(d.high())).append(" | ");
        sb.append(Double.isNaN(d.p()) ? "–" : String.format(Locale.ROOT, "%.3g", d.p())).append(" | ");
        sb.append(d.na()).append(" / ").append(d.nb());
    }

    private static void dissimilarTable(StringBuilder sb, Evidence e, ReportOptions o) {
        List<Evidence.Line> lines = new ArrayList<>(e.dissimilar());
        if (e.random() != null) {
            lines.add(e.random());
        }
        if (lines.isEmpty()) {
            sb.append("This run has no finished dissimilar-split or random-weights networks.\n\n");
            return;
        }
        sb.append("Mean top-1 accuracy per n (relative to the line's base in parentheses).\n\n| line | base | chance |");
        Set<Integer> ns = new java.util.TreeSet<>();
        lines.forEach(l -> ns.addAll(l.means().keySet()));
        for (int n : ns) {
            sb.append(" n = ").append(n).append(" |");
        }
        sb.append("\n|---|---|---|").append("---|".repeat(ns.size())).append("\n");
        for (Evidence.Line l : lines) {
            sb.append("| ").append(l.name()).append(" | ").append(Findings.pct(l.base())).append(" | ").append(Findings.pct(l.chance())).append(" |");
            for (int n : ns) {
                Double v = l.means().get(n);
                sb.append(" ").append(v == null ? "–" : Findings.pct(v) + " (" + Findings.pp(v - l.base()) + ")").append(" |");
            }
            sb.append("\n");
        }
        if (o.paperNumbers()) {
            Evidence p = PaperNumbers.evidence();
            List<Evidence.Line> pl = new ArrayList<>(p.dissimilar());
            pl.add(p.random());
            for (Evidence.Line l : pl) {
                sb.append("| paper: ").append(l.name()).append(" | ").append(Findings.pct(l.base())).append(" | ").append(Findings.pct(l.chance())).append(" |");
                for (int n : ns) {
                    Double v = l.means().get(n);
                    sb.append(" ").append(v == null ? "–" : Findings.pct(v) + " (" + Findings.pp(v - l.base()) + ")").append(" |");
                }
                sb.append("\n");
            }
        }
        sb.append("\n");
    }

    private static void problems(StringBuilder sb, ReportData d) {
        List<ReportData.Network> bad = d.networks().stream().filter(x -> x.result() != null && !x.result().done()).toList();
        List<String> missing = d.networks().stream().filter(x -> x.result() == null).map(x -> x.cell().id()).toList();
        if (bad.isEmpty() && missing.isEmpty()) {
            return;
        }
        sb.append("## Cells that did not finish\n\n");
        for (ReportData.Network x : bad) {
            sb.append("- `").append(x.cell().id()).append("`: ").append(x.result().status().name().toLowerCase(Locale.ROOT)).append(": ")
                    .append(Objects.toString(x.result().reason(), "")).append("\n");
        }
        if (!missing.isEmpty()) {
            sb.append("- not run yet: ").append(missing.stream().map(m -> "`" + m + "`").collect(Collectors.joining(", "))).append("\n");
        }
        sb.append("\n");
    }

    private static void splits(StringBuilder sb, Plan plan) {
        sb.append("## Splits\n\n| split | kind | A | B |\n|---|---|---|---|\n");
        for (Split s : plan.splits()) {
            sb.append("| ").append(s.name()).append(" | ").append(s.kind().name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(s.aName()).append(": ").append(classList(s.a())).append(" | ").append(s.bName()).append(": ")
                    .append(classList(s.b())).append(" |\n");
        }
        sb.append("\n");
    }

    private static String classList(List<Integer> c) {
        if (c.size() <= 20) {
            return c.size() + " classes " + c;
        }
        return c.size() + " classes (" + c.subList(0, 8).stream().map(String::valueOf).collect(Collectors.joining(", ")) + ", ...)";
    }
}
