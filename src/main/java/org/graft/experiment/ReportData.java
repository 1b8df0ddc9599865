package org.graft.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The results of a plan as the report sees them: one {@link Network} per cell with its accuracy by the
 * chosen metric and that accuracy relative to its base (the base network of the same split trained on the
 * same half; the all-class base for networks on every class), and the queries the table, figures and
 * findings need. Cells without a result, failed or skipped count nowhere but in results.csv.
 */
public final class ReportData {
    /** One cell and what it achieved; accuracy and relative are NaN unless the cell is done. */
    public record Network(Cell cell, CellResult result, Split split, double accuracy, double baseAccuracy) {
        public boolean done() {
            return result != null && result.done() && !Double.isNaN(accuracy);
        }

        /** Accuracy minus the base accuracy of the same target (Figure 3's normalisation). */
        public double relative() {
            return accuracy - baseAccuracy;
        }

        public Treatment.Group group() {
            return cell.treatment().group();
        }

        public boolean similar() {
            return split != null && split.kind() == Split.Kind.SIMILAR;
        }
    }

    private final Plan plan;
    private final Metric metric;
    private final List<Network> networks = new ArrayList<>();

    public ReportData(Plan plan, Metric metric) {
        this.plan = plan;
        this.metric = metric;
        Map<String, CellResult> results = new LinkedHashMap<>();
        for (Cell c : plan.cells()) {
            ResultStore.read(plan, c.id()).ifPresent(r -> results.put(c.id(), r));
        }
        for (Cell c : plan.cells()) {
            CellResult r = results.get(c.id());
            double acc = r != null && r.done() ? r.accuracy(metric) : Double.NaN;
            String baseId = baseId(c);
            CellResult b = results.get(baseId);
            double baseAcc = b != null && b.done() ? b.accuracy(metric) : Double.NaN;
            networks.add(new Network(c, r, plan.split(c.split()).orElse(null), acc, baseAcc));
        }
    }

    /** The base cell a cell is compared with: same split, same target half. */
    static String baseId(Cell c) {
        return c.target() == Half.ALL ? Cell.id("all", Treatment.BASE_ALL, 0, null) : Cell.id(c.split(), Treatment.baseOf(c.target()), 0, null);
    }

    public Plan plan() {
        return plan;
    }

    public Metric metric() {
        return metric;
    }

    public List<Network> networks() {
        return networks;
    }

    public List<Network> done(Predicate<Network> filter) {
        return networks.stream().filter(Network::done).filter(filter).toList();
    }

    /** Accuracies of the finished networks of a group at layer count n on SIMILAR splits (n ignored for bases). */
    public double[] similar(Treatment.Group g, int n) {
        return done(x -> x.similar() && x.group() == g && (g == Treatment.Group.BASE || x.cell().n() == n)).stream()
                .mapToDouble(Network::accuracy).toArray();
    }

    /** The same over a range of layer counts. */
    public double[] similar(Treatment.Group g, int from, int to) {
        return done(x -> x.similar() && x.group() == g && x.cell().n() >= from && x.cell().n() <= to).stream()
                .mapToDouble(Network::accuracy).toArray();
    }

    /** Accuracies of the base networks of the similar splits (the paper's baseB circles: both halves). */
    public double[] similarBases() {
        return similar(Treatment.Group.BASE, 0);
    }

    public List<Split> splits(Split.Kind kind) {
        return plan.splits().stream().filter(s -> s.kind() == kind).toList();
    }

    /** Finished networks of one split with the given treatment. */
    public List<Network> of(Split s, Treatment t) {
        return done(x -> x.split() == s && x.cell().treatment() == t);
    }

    /** The random-weights networks (any target). */
    public List<Network> random() {
        return done(x -> x.cell().treatment() == Treatment.RANDOM);
    }

    public Optional<Network> baseAll() {
        return done(x -> x.cell().treatment() == Treatment.BASE_ALL).stream().findFirst();
    }

    /** Chance accuracy of a cell's task: one over its class count. */
    public static double chance(Cell c) {
        return 1.0 / c.classes().size();
    }
}
