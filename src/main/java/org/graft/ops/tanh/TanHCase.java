package org.graft.ops.tanh;

import org.graft.ops.ActivationCase;
import org.graft.selftest.SelfTestCase;

/** {@link TanHLayer} against {@link TanHReference}, and its gradient check ({@link ActivationCase}). */
public final class TanHCase {
    private static final ActivationCase CASE = new ActivationCase("TanH", TanHLayer::new, TanHReference::forward, TanHReference::backward);

    private TanHCase() {
    }

    public static SelfTestCase reference() {
        return CASE.reference();
    }

    public static SelfTestCase gradient() {
        return CASE.gradient();
    }
}
