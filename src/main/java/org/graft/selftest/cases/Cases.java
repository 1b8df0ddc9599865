package org.graft.selftest.cases;

import java.util.List;
import org.graft.selftest.SelfTestCase;

/** Every kernel and layer check of {@code selftest}, in table order: kernels, then layers, then the solver. */
public final class Cases {
    /** Caffe's finite-difference criterion, see {@link org.graft.selftest.GradientCheck}. */
    public static final String GRADIENT_TOLERANCE = "1e-2*max(|a|,|n|,1)";

    private Cases() {
    }

    public static List<SelfTestCase> all() {
        return List.of(
                GemmCase.reference(),
                Im2colCase.reference(),
                PairSumCase.reference(),
                ConvolutionCase.reference(),
                ConvolutionCase.gradient(),
                PoolingCase.reference(PoolingCase.Kind.MAX),
                PoolingCase.reference(PoolingCase.Kind.AVE),
                PoolingCase.reference(PoolingCase.Kind.GLOBAL),
                PoolingCase.gradient(),
                LrnCase.reference(LrnCase.Kind.ACROSS),
                LrnCase.reference(LrnCase.Kind.WITHIN),
                LrnCase.gradient(),
                ReluCase.reference(),
                ReluCase.gradient(),
                DropoutCase.reference(),
                DropoutCase.gradient(),
                InnerProductCase.reference(),
                InnerProductCase.gradient(),
                SoftmaxCase.reference(),
                SoftmaxCase.gradient(),
                SoftmaxWithLossCase.reference(),
                SoftmaxWithLossCase.gradient(),
                AccuracyCase.reference(),
                SplitCase.reference(),
                SplitCase.gradient(),
                SgdCase.reference());
    }
}
