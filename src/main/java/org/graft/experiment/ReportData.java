package org.graft.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.graft.layers.Phase;
import org.graft.net.config.LayerConfig;
import org.graft.net.config.NetConfig;
import org.graft.net.config.NetConfigLoader;

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

    /**
     * Accuracies of the base networks of the similar splits that the transfer and selffer networks are
     * compared with: those whose (split, half) is the target of some planned non-base cell. The paper's
     * baseB circles hold both halves because it trains both directions (AnB and BnA); a grid run in one
     * direction compares with the B bases only, since averaging in an A base that no network targets
     * would shift the control by the difficulty difference between the halves. With no such cells
     * (a grid of base networks only) every similar base counts.
     */
    public double[] similarBases() {
        Set<String> targeted = new HashSet<>();
        for (Cell c : plan.cells()) {
            Split s = plan.split(c.split()).orElse(null);
            if (s != null && s.kind() == Split.Kind.SIMILAR && c.treatment().group() != Treatment.Group.BASE
                    && c.treatment().group() != Treatment.Group.BASE_ALL && c.treatment() != Treatment.RANDOM) {
                targeted.add(baseId(c));
            }
        }
        return done(x -> x.similar() && x.group() == Treatment.Group.BASE && (targeted.isEmpty() || targeted.contains(x.cell().id())))
                .stream().mapToDouble(Network::accuracy).toArray();
    }

    /**
     * Test images behind one test accuracy (test_iter × the TEST-phase batch size), read from a finished
     * base network's net.json; 0 if unknown.
     */
    public int testImages() {
        for (Network x : done(n -> n.group() == Treatment.Group.BASE)) {
            try {
                NetConfig cfg = NetConfigLoader.load(plan.cellDir(x.cell()).resolve("net.json"));
                for (LayerConfig l : cfg.layers()) {
                    if (l.includedIn(Phase.TEST) && l.dataParam() != null && cfg.solver() != null) {
                        return cfg.solver().testIter() * l.dataParam().batchSize();
                    }
                }
            } catch (RuntimeException e) {
                return 0; // a report must not fail over a cell's file; the tolerance falls back
            }
        }
        return 0;
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
