package org.graft.experiment;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the findings are judged on, independent of where it comes from (a run's results, or the paper's own
 * numbers in {@link PaperNumbers}): the base accuracies of the similar splits, the all-class base, each
 * group's accuracies per n on the similar splits, the dissimilar split's transfer lines (one per target
 * half) and the random-weights line.
 */
public record Evidence(int depth, List<Integer> ns, double[] bases, double baseAll, Map<Treatment.Group, SortedMap<Integer, double[]>> similar,
                       List<Line> dissimilar, Line random) {
    /** Mean accuracies per n of one series, with the accuracy of its base network(s) and its chance level. */
    public record Line(String name, double base, double chance, SortedMap<Integer, Double> means) {
    }

    public double[] group(Treatment.Group g, int n) {
        SortedMap<Integer, double[]> m = similar.get(g);
        return m == null || !m.containsKey(n) ? new double[0] : m.get(n);
    }

    /** All accuracies of a group over n in [from, to]. */
    public double[] group(Treatment.Group g, int from, int to) {
        List<Double> all = new ArrayList<>();
        for (int n = from; n <= to; n++) {
            for (double v : group(g, n)) {
                all.add(v);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }

    public double mean(Treatment.Group g, int n) {
        return Stats.mean(group(g, n));
    }

    /** The evidence of a run. */
    public static Evidence of(ReportData d) {
        Plan plan = d.plan();
        Map<Treatment.Group, SortedMap<Integer, double[]>> similar = new EnumMap<>(Treatment.Group.class);
        for (Treatment.Group g : List.of(Treatment.Group.SELFFER, Treatment.Group.SELFFER_FT, Treatment.Group.TRANSFER, Treatment.Group.TRANSFER_FT)) {
            SortedMap<Integer, double[]> byN = new TreeMap<>();
            for (int n : plan.n()) {
                double[] v = d.similar(g, n);
                if (v.length > 0) {
                    byN.put(n, v);
                }
            }
            similar.put(g, byN);
        }
        List<Line> dissimilar = new ArrayList<>();
        for (Split s : d.splits(Split.Kind.DISSIMILAR)) {
            for (Half target : List.of(Half.B, Half.A)) {
                Treatment t = target == Half.B ? Treatment.ANB : Treatment.BNA;
                List<ReportData.Network> nets = d.of(s, t);
                List<ReportData.Network> base = d.of(s, Treatment.baseOf(target));
                if (nets.isEmpty() || base.isEmpty()) {
                    continue;
                }
                SortedMap<Integer, Double> means = new TreeMap<>();
                for (int n : plan.n()) {
                    double[] v = nets.stream().filter(x -> x.cell().n() == n).mapToDouble(ReportData.Network::accuracy).toArray();
                    if (v.length > 0) {
                        means.put(n, Stats.mean(v));
                    }
                }
                String name = s.halfName(target.other()) + " → " + s.halfName(target) + " (split " + s.name() + ", " + t.jsonName() + ")";
                dissimilar.add(new Line(name, base.get(0).accuracy(), 1.0 / s.classes(target).size(), means));
            }
        }
        Line random = null;
        List<ReportData.Network> rnd = d.random();
        if (!rnd.isEmpty()) {
            ReportData.Network first = rnd.get(0);
            SortedMap<Integer, Double> means = new TreeMap<>();
            for (int n : plan.n()) {
                double[] v = rnd.stream().filter(x -> x.cell().n() == n).mapToDouble(ReportData.Network::accuracy).toArray();
                if (v.length > 0) {
                    means.put(n, Stats.mean(v));
                }
            }
            random = new Line("random weights, target " + first.cell().target(), first.baseAccuracy(), ReportData.chance(first.cell()), means);
        }
        double baseAll = d.baseAll().map(ReportData.Network::accuracy).orElse(Double.NaN);
        return new Evidence(plan.depth(), plan.n(), d.similarBases(), baseAll, similar, dissimilar, random);
    }
}
