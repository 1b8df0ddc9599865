package org.graft.ops.sigmoid;

import org.graft.ops.ActivationCase;
import org.graft.selftest.SelfTestCase;

/** {@link SigmoidLayer} against {@link SigmoidReference}, and its gradient check ({@link ActivationCase}). */
public final class SigmoidCase {
    private static final ActivationCase CASE =
            new ActivationCase("Sigmoid", SigmoidLayer::new, SigmoidReference::forward, SigmoidReference::backward);

    private SigmoidCase() {
    }

    public static SelfTestCase reference() {
        return CASE.reference();
    }

    public static SelfTestCase gradient() {
        return CASE.gradient();
    }
}
