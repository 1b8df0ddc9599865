package org.graft.selftest;

import java.util.Random;
import org.graft.engine.Engine;

/**
 * One row of the {@code selftest} table: a kernel or layer checked against its plain-Java reference
 * (or by finite differences) on several shapes. Each check records into the {@link Tally}; a check
 * that throws is recorded as a failure by {@link Tally#run} and the next shape still runs.
 */
public interface SelfTestCase {
    /** The row's name, e.g. "Convolution" or "Convolution gradient". */
    String name();

    /** The tolerance in words for the table, e.g. "1e-4 + 1e-5·|ref|" (the per-check values are in the case's javadoc). */
    String tolerance();

    void run(Engine e, Effort effort, Random random, Tally tally);

    /** Body of a case given as a lambda. */
    @FunctionalInterface
    interface Body {
        void run(Engine e, Effort effort, Random random, Tally tally);
    }

    static SelfTestCase of(String name, String tolerance, Body body) {
        return new SelfTestCase() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String tolerance() {
                return tolerance;
            }

            @Override
            public void run(Engine e, Effort effort, Random random, Tally tally) {
                body.run(e, effort, random, tally);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
