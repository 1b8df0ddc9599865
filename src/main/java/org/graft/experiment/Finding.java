package org.graft.experiment;

import java.util.List;

/**
 * One of the paper's findings checked against a run: what the paper says, the checks (each a claim with the
 * run's numbers and whether they bear it out), and the verdict that follows from the checks.
 */
public record Finding(String section, String title, String paper, List<Check> checks) {
    public enum Verdict {
        REPRODUCED("reproduced"), PARTLY("partly reproduced"), NOT_REPRODUCED("not reproduced"), NOT_TESTED("not tested");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** A claim and the numbers for it; {@code holds} is null when this run cannot test it. */
    public record Check(String claim, Boolean holds, String numbers) {
    }

    public Finding {
        checks = List.copyOf(checks);
    }

    /** Reproduced when every testable check holds, not reproduced when none does, partly otherwise. */
    public Verdict verdict() {
        long testable = checks.stream().filter(c -> c.holds() != null).count();
        long holding = checks.stream().filter(c -> Boolean.TRUE.equals(c.holds())).count();
        if (testable == 0) {
            return Verdict.NOT_TESTED;
        }
        return holding == testable ? Verdict.REPRODUCED : holding == 0 ? Verdict.NOT_REPRODUCED : Verdict.PARTLY;
    }
}
