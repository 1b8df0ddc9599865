package org.graft.experiment;

import static org.graft.experiment.Treatment.Group.SELFFER;
import static org.graft.experiment.Treatment.Group.SELFFER_FT;
import static org.graft.experiment.Treatment.Group.TRANSFER;
import static org.graft.experiment.Treatment.Group.TRANSFER_FT;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;

/**
 * Checks the paper's findings (section 4.1's five numbered interpretations, 4.2 and 4.3) against evidence.
 * Each finding is split into claims that can be decided from the numbers; two accuracies closer than
 * {@code tol} count as equal. Layers are grouped as the paper discusses them, scaled to the network's depth
 * L: low = n ∈ {1, 2}, middle = 3..L−3 (3, 4, 5 for L = 8), top = L−2..L−1 (6, 7 for L = 8).
 */
public final class Findings {
    /** "Near chance": less than this fraction of the way from chance to the base accuracy. */
    static final double NEAR_CHANCE = 0.2;

    private final Evidence e;
    private final double tol;
    private final double base;

    private Findings(Evidence e, double tol) {
        this.e = e;
        this.tol = tol;
        this.base = Stats.mean(e.bases());
    }

    public static List<Finding> evaluate(Evidence e, double tol) {
        Findings f = new Findings(e, tol);
        if (e.bases().length == 0) {
            // Every finding of section 4.1 is relative to baseB: without one there is nothing to decide.
            return List.of(f.halfClasses(), untested(f.selffer()), untested(f.selfferFineTuned()), untested(f.transfer()),
                    untested(f.transferFineTuned()), f.dissimilar(), f.randomWeights());
        }
        return List.of(f.halfClasses(), f.selffer(), f.selfferFineTuned(), f.transfer(), f.transferFineTuned(), f.dissimilar(), f.randomWeights());
    }

    private static Finding untested(Finding f) {
        return new Finding(f.section(), f.title(), f.paper(),
                List.of(new Finding.Check("the claims of this finding", null, "no base network of a similar split finished")));
    }

    private List<Integer> ns(IntPredicate p) {
        return e.ns().stream().filter(p::test).toList();
    }

    private List<Integer> low() {
        return ns(n -> n <= 2);
    }

    private List<Integer> middle() {
        return ns(n -> n >= 3 && n <= e.depth() - 3);
    }

    private List<Integer> top() {
        return ns(n -> n >= e.depth() - 2);
    }

    private int maxN() {
        return e.ns().get(e.ns().size() - 1);
    }

    private boolean has(Treatment.Group g, List<Integer> ns) {
        return !ns.isEmpty() && ns.stream().allMatch(n -> e.group(g, n).length > 0);
    }

    private String each(Treatment.Group g, List<Integer> ns) {
        return ns.stream().map(n -> String.format(Locale.ROOT, "%s(%d) = %s (%s)", g.label(), n, pct(e.mean(g, n)), pp(e.mean(g, n) - base)))
                .collect(Collectors.joining(", "));
    }

    private String baseText() {
        return "baseB = " + pct(base) + " (mean of " + e.bases().length + ")";
    }

    private Finding halfClasses() {
        String paper = "A network trained on a random half of the classes reaches 62.5% top-1, more than the 57.6% of the network trained on all 1000 classes: "
                + "half as many classes to confuse outweighs half as much data.";
        Finding.Check c;
        if (e.bases().length == 0) {
            c = new Finding.Check("the half-class base networks beat the all-class network", null, "no base network finished");
        } else if (Double.isNaN(e.baseAll())) {
            c = new Finding.Check("the half-class base networks beat the all-class network", null, baseText() + "; this run has no all-class network (treatment baseAll)");
        } else {
            c = new Finding.Check("the half-class base networks beat the all-class network", base > e.baseAll() + tol,
                    baseText() + " vs all classes " + pct(e.baseAll()) + " (" + pp(base - e.baseAll()) + ")");
        }
        return new Finding("4.1 (1)", "baseB: half the classes", paper, List.of(c));
    }

    private Finding selffer() {
        String paper = "BnB (first n layers copied from baseB and frozen, the rest retrained on B) matches baseB at n = 1, 2, drops at n = 3–6, most at 4 and 5 "
                + "(fragile co-adapted features that the upper layers cannot relearn alone), and is nearly back to baseB at n = 6, 7.";
        List<Finding.Check> checks = new ArrayList<>();
        List<Integer> low = low();
        List<Integer> mid = middle();
        List<Integer> top = top();
        checks.add(has(SELFFER, low) ? new Finding.Check("BnB equals baseB at n = " + list(low),
                low.stream().allMatch(n -> Math.abs(e.mean(SELFFER, n) - base) <= tol), baseText() + "; " + each(SELFFER, low))
                : new Finding.Check("BnB equals baseB at n = 1, 2", null, "no BnB networks at those n"));
        double midMin = has(SELFFER, mid) ? mid.stream().mapToDouble(n -> e.mean(SELFFER, n)).min().orElse(Double.NaN) : Double.NaN;
        checks.add(has(SELFFER, mid) ? new Finding.Check("BnB drops below baseB in the middle layers n = " + list(mid), midMin < base - tol,
                each(SELFFER, mid)) : new Finding.Check("BnB drops in the middle layers", null, "no middle layers tested (L = " + e.depth() + ")"));
        checks.add(has(SELFFER, mid) && has(SELFFER, top) ? new Finding.Check("BnB recovers towards the top (n = " + list(top) + ") from its middle dip",
                top.stream().mapToDouble(n -> e.mean(SELFFER, n)).average().orElse(Double.NaN) > midMin + tol,
                each(SELFFER, top) + "; middle minimum " + pct(midMin)) : new Finding.Check("BnB recovers towards the top", null, "needs middle and top layers"));
        return new Finding("4.1 (2)", "BnB: fragile co-adaptation", paper, checks);
    }

    private Finding selfferFineTuned() {
        String paper = "BnB+ (the copied layers fine-tuned as well) performs like baseB at every n: fine-tuning prevents BnB's drop.";
        List<Finding.Check> checks = new ArrayList<>();
        List<Integer> all = e.ns().stream().filter(n -> e.group(SELFFER_FT, n).length > 0).toList();
        if (all.isEmpty()) {
            return new Finding("4.1 (3)", "BnB+: fine-tuning prevents the drop", paper,
                    List.of(new Finding.Check("BnB+ stays at baseB's level", null, "no BnB+ networks finished")));
        }
        int worst = all.stream().min((a, b) -> Double.compare(e.mean(SELFFER_FT, a), e.mean(SELFFER_FT, b))).orElseThrow();
        checks.add(new Finding.Check("BnB+ stays at baseB's level for every n (no drop beyond the tolerance)", e.mean(SELFFER_FT, worst) >= base - tol,
                baseText() + "; lowest BnB+(" + worst + ") = " + pct(e.mean(SELFFER_FT, worst)) + " (" + pp(e.mean(SELFFER_FT, worst) - base) + ")"));
        List<Integer> both = all.stream().filter(n -> e.group(SELFFER, n).length > 0).toList();
        if (!both.isEmpty()) {
            int dip = both.stream().min((a, b) -> Double.compare(e.mean(SELFFER, a), e.mean(SELFFER, b))).orElseThrow();
            boolean dropped = e.mean(SELFFER, dip) < base - tol;
            checks.add(new Finding.Check("BnB+ is above BnB where BnB dropped most (n = " + dip + ")",
                    dropped ? e.mean(SELFFER_FT, dip) > e.mean(SELFFER, dip) + tol : null,
                    "BnB+(" + dip + ") = " + pct(e.mean(SELFFER_FT, dip)) + ", BnB(" + dip + ") = " + pct(e.mean(SELFFER, dip))
                            + (dropped ? "" : "; BnB shows no drop here, so there is nothing to prevent")));
        }
        return new Finding("4.1 (3)", "BnB+: fine-tuning prevents the drop", paper, checks);
    }

    private Finding transfer() {
        String paper = "AnB (first n layers from baseA, frozen, trained on B): layers 1 and 2 transfer almost perfectly (general features); performance drops "
                + "from layer 3 on, more at 4–7. At layers 3–5 the drop is mostly lost co-adaptation (as BnB), at 6–7 mostly the specificity of the features.";
        List<Finding.Check> checks = new ArrayList<>();
        List<Integer> low = low();
        List<Integer> mid = middle();
        List<Integer> top = top();
        checks.add(has(TRANSFER, low) ? new Finding.Check("AnB is within the tolerance of baseB (or above) at n = " + list(low),
                low.stream().allMatch(n -> e.mean(TRANSFER, n) >= base - tol), baseText() + "; " + each(TRANSFER, low))
                : new Finding.Check("AnB transfers almost perfectly at n = 1, 2", null, "no AnB networks at those n"));
        int last = maxN();
        checks.add(e.group(TRANSFER, last).length > 0 ? new Finding.Check("AnB drops below baseB at the top (n = " + last + ")",
                e.mean(TRANSFER, last) < base - tol, each(TRANSFER, List.of(last)))
                : new Finding.Check("AnB drops at the top", null, "no AnB networks at n = " + last));
        checks.add(decomposition(mid, true));
        checks.add(decomposition(top, false));
        return new Finding("4.1 (4)", "AnB: transferability layer by layer", paper, checks);
    }

    /** Co-adaptation drop (baseB − BnB) against specificity drop (BnB − AnB), averaged over some layers. */
    private Finding.Check decomposition(List<Integer> ns, boolean coAdaptationDominates) {
        String claim = coAdaptationDominates ? "in the middle layers the co-adaptation drop (baseB − BnB) exceeds the specificity drop (BnB − AnB)"
                : "in the top layers the specificity drop (BnB − AnB) exceeds the co-adaptation drop (baseB − BnB)";
        List<Integer> usable = ns.stream().filter(n -> e.group(SELFFER, n).length > 0 && e.group(TRANSFER, n).length > 0).toList();
        if (usable.isEmpty()) {
            return new Finding.Check(claim, null, ns.isEmpty() ? "no such layers tested (L = " + e.depth() + ")" : "needs BnB and AnB at n = " + list(ns));
        }
        double co = usable.stream().mapToDouble(n -> base - e.mean(SELFFER, n)).average().orElse(Double.NaN);
        double spec = usable.stream().mapToDouble(n -> e.mean(SELFFER, n) - e.mean(TRANSFER, n)).average().orElse(Double.NaN);
        String numbers = String.format(Locale.ROOT, "n = %s: co-adaptation %s, specificity %s", list(usable), pp(co), pp(spec));
        return new Finding.Check(claim, coAdaptationDominates ? co > spec : spec > co, numbers);
    }

    private Finding transferFineTuned() {
        String paper = "AnB+ (transferred and fine-tuned) generalises better than baseB at every n (mean boost 1.6% over layers 1–7, 2.1% over 5–7), "
                + "while BnB+, trained as long, shows no such boost: having seen the base dataset lingers through fine-tuning.";
        double[] ft = e.group(TRANSFER_FT, 1, e.depth() - 1);
        double[] self = e.group(SELFFER_FT, 1, e.depth() - 1);
        if (ft.length == 0 || e.bases().length == 0) {
            return new Finding("4.1 (5)", "AnB+: transfer boosts generalisation", paper,
                    List.of(new Finding.Check("AnB+ beats baseB", null, "no AnB+ networks or no base networks finished")));
        }
        Stats.Difference overBase = Stats.welch(ft, e.bases());
        List<Finding.Check> checks = new ArrayList<>();
        checks.add(new Finding.Check("AnB+ is above baseB on average over all n (by more than the tolerance)", overBase.diff() > tol,
                "mean AnB+ " + pct(Stats.mean(ft)) + " (" + ft.length + " networks) vs " + baseText() + ": " + pp(overBase.diff())));
        checks.add(new Finding.Check("the boost over baseB is significant (Welch t-test, p < 0.05)",
                Double.isNaN(overBase.p()) ? null : overBase.diff() > 0 && overBase.significant(),
                Double.isNaN(overBase.p()) ? "too few networks for a t-test" : String.format(Locale.ROOT, "p = %.3g, 95%% CI %s … %s", overBase.p(),
                        pp(overBase.low()), pp(overBase.high()))));
        if (self.length > 0) {
            Stats.Difference overSelf = Stats.welch(ft, self);
            checks.add(new Finding.Check("AnB+ is above BnB+ (the boost is not from the longer training)", overSelf.diff() > tol,
                    "mean AnB+ − mean BnB+ = " + pp(overSelf.diff()) + (Double.isNaN(overSelf.p()) ? "" : String.format(Locale.ROOT, " (p = %.3g)", overSelf.p()))));
        }
        return new Finding("4.1 (5)", "AnB+: transfer boosts generalisation", paper, checks);
    }

    private Finding dissimilar() {
        String paper = "Features transfer worse between dissimilar tasks (man-made vs natural classes): the frozen-transfer gap grows faster with n than for "
                + "random (similar) splits, a drop at the last layer of about 25% against 8%.";
        if (e.dissimilar().isEmpty()) {
            return new Finding("4.2", "dissimilar tasks transfer worse", paper,
                    List.of(new Finding.Check("the transfer gap is larger for dissimilar tasks", null, "no dissimilar split finished")));
        }
        int last = maxN();
        List<Finding.Check> checks = new ArrayList<>();
        List<Evidence.Line> lines = e.dissimilar().stream().filter(l -> l.means().containsKey(last)).toList();
        String perLine = e.dissimilar().stream().map(l -> l.name() + ": base " + pct(l.base()) + (l.means().containsKey(last)
                ? ", n = " + last + " " + pp(l.means().get(last) - l.base()) : "")).collect(Collectors.joining("; "));
        if (e.group(TRANSFER, last).length > 0 && e.bases().length > 0 && !lines.isEmpty()) {
            double dis = lines.stream().mapToDouble(l -> l.means().get(last) - l.base()).average().orElse(Double.NaN);
            double sim = e.mean(TRANSFER, last) - base;
            checks.add(new Finding.Check("at n = " + last + " the dissimilar transfers lose more than the similar ones", dis < sim - tol,
                    String.format(Locale.ROOT, "dissimilar %s vs similar %s (%s)", pp(dis), pp(sim), perLine)));
        } else {
            checks.add(new Finding.Check("the dissimilar transfers lose more at the last layer", null, "needs AnB on a similar split and on the dissimilar one at n = " + last));
        }
        List<Integer> common = e.ns().stream().filter(n -> e.group(TRANSFER, n).length > 0 && e.bases().length > 0
                && e.dissimilar().stream().allMatch(l -> l.means().containsKey(n))).toList();
        if (!common.isEmpty()) {
            double dis = common.stream().mapToDouble(n -> e.dissimilar().stream().mapToDouble(l -> l.means().get(n) - l.base()).average().orElse(0)).average().orElse(0);
            double sim = common.stream().mapToDouble(n -> e.mean(TRANSFER, n) - base).average().orElse(0);
            checks.add(new Finding.Check("averaged over n, the dissimilar gap is larger", dis < sim - tol,
                    String.format(Locale.ROOT, "mean relative accuracy over n = %s: dissimilar %s, similar %s", list(common), pp(dis), pp(sim))));
        }
        return new Finding("4.2", "dissimilar tasks transfer worse", paper, checks);
    }

    private Finding randomWeights() {
        String paper = "Random, untrained frozen weights in the first n layers: accuracy falls off at n = 1, 2 and is near chance from n = 3 on; "
                + "transferred features, even from a dissimilar task, are better than random ones.";
        Evidence.Line r = e.random();
        if (r == null || r.means().isEmpty()) {
            return new Finding("4.3", "random weights", paper, List.of(new Finding.Check("random weights fall behind", null, "no random-weights network finished")));
        }
        List<Finding.Check> checks = new ArrayList<>();
        int first = r.means().firstKey();
        double rBase = r.base();
        if (Double.isNaN(rBase)) {
            checks.add(new Finding.Check("random weights lose accuracy at n = " + first, null, "the random-weights networks' base network did not finish"));
        } else {
            checks.add(new Finding.Check("random weights lose accuracy already at n = " + first, r.means().get(first) < rBase - tol,
                    String.format(Locale.ROOT, "random(%d) = %s vs its base %s (%s)", first, pct(r.means().get(first)), pct(rBase), pp(r.means().get(first) - rBase))));
            List<Integer> deep = r.means().keySet().stream().filter(n -> n >= 3).toList();
            if (!deep.isEmpty()) {
                String numbers = deep.stream().map(n -> String.format(Locale.ROOT, "random(%d) = %s", n, pct(r.means().get(n)))).collect(Collectors.joining(", "))
                        + String.format(Locale.ROOT, "; chance %s, base %s", pct(r.chance()), pct(rBase));
                checks.add(new Finding.Check("near chance from n = 3 on (less than " + Math.round(NEAR_CHANCE * 100) + "% of the way from chance to the base)",
                        deep.stream().allMatch(n -> (r.means().get(n) - r.chance()) / (rBase - r.chance()) < NEAR_CHANCE), numbers));
            }
        }
        List<Evidence.Line> others = !e.dissimilar().isEmpty() ? e.dissimilar() : List.of();
        String what = !others.isEmpty() ? "dissimilar-task transfers" : "similar-task transfers (AnB)";
        List<Integer> common = r.means().keySet().stream().filter(n -> !others.isEmpty() ? others.stream().allMatch(l -> l.means().containsKey(n))
                : e.group(TRANSFER, n).length > 0 && e.bases().length > 0).toList();
        if (!common.isEmpty() && !Double.isNaN(rBase)) {
            List<String> parts = new ArrayList<>();
            boolean all = true;
            for (int n : common) {
                double t = !others.isEmpty() ? others.stream().mapToDouble(l -> l.means().get(n) - l.base()).average().orElse(0) : e.mean(TRANSFER, n) - base;
                double rr = r.means().get(n) - rBase;
                all &= t > rr + tol;
                parts.add(String.format(Locale.ROOT, "n = %d: %s vs %s", n, pp(t), pp(rr)));
            }
            checks.add(new Finding.Check(what + " beat random weights at every n (accuracy relative to each one's base)", all, String.join("; ", parts)));
        }
        return new Finding("4.3", "random weights", paper, checks);
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String pp(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%+.2f pp", 100 * v);
    }

    private static String list(List<Integer> ns) {
        return ns.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
