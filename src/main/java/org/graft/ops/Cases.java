package org.graft.ops;

import java.util.List;
import org.graft.ops.accuracy.AccuracyCase;
import org.graft.ops.batchnorm.BatchNormCase;
import org.graft.ops.bias.BiasCase;
import org.graft.ops.concat.ConcatCase;
import org.graft.ops.convolution.ConvolutionCase;
import org.graft.ops.crop.CropCase;
import org.graft.ops.deconvolution.DeconvolutionCase;
import org.graft.ops.dropout.DropoutCase;
import org.graft.ops.elu.ELUCase;
import org.graft.ops.flatten.FlattenCase;
import org.graft.ops.eltwise.EltwiseCase;
import org.graft.ops.prelu.PReLUCase;
import org.graft.ops.absval.AbsValCase;
import org.graft.ops.power.PowerCase;
import org.graft.ops.clip.ClipCase;
import org.graft.ops.gemm.GemmCase;
import org.graft.ops.im2col.Im2colCase;
import org.graft.ops.innerproduct.InnerProductCase;
import org.graft.ops.lrn.LRNCase;
import org.graft.ops.pairsum.PairSumCase;
import org.graft.ops.pooling.PoolLrnCase;
import org.graft.ops.pooling.PoolingCase;
import org.graft.ops.relu.ReLUCase;
import org.graft.ops.scale.ScaleCase;
import org.graft.ops.reshape.ReshapeCase;
import org.graft.ops.sgd.SgdCase;
import org.graft.ops.sigmoid.SigmoidCase;
import org.graft.ops.softmax.SoftmaxCase;
import org.graft.ops.softmaxwithloss.SoftmaxWithLossCase;
import org.graft.ops.slice.SliceCase;
import org.graft.ops.split.SplitCase;
import org.graft.ops.tanh.TanHCase;
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
                ConvolutionCase.fusedRelu(),
                ConvolutionCase.fusedReluGradient(),
                DeconvolutionCase.reference(), DeconvolutionCase.gradient(),
                PoolingCase.reference(PoolingCase.Kind.MAX),
                PoolingCase.reference(PoolingCase.Kind.AVE),
                PoolingCase.reference(PoolingCase.Kind.GLOBAL),
                PoolingCase.gradient(),
                LRNCase.reference(LRNCase.Kind.ACROSS),
                LRNCase.reference(LRNCase.Kind.WITHIN),
                LRNCase.gradient(),
                PoolLrnCase.reference(),
                PoolLrnCase.gradient(),
                ReLUCase.reference(),
                ReLUCase.gradient(),
                SigmoidCase.reference(), SigmoidCase.gradient(),
                TanHCase.reference(), TanHCase.gradient(),
                ELUCase.reference(), ELUCase.gradient(),
                BatchNormCase.reference(), BatchNormCase.gradient(),
                ScaleCase.reference(), ScaleCase.gradient(),
                BiasCase.reference(), BiasCase.gradient(),
                EltwiseCase.reference(), EltwiseCase.gradient(),
                PReLUCase.reference(), PReLUCase.gradient(),
                AbsValCase.reference(), AbsValCase.gradient(),
                PowerCase.reference(), PowerCase.gradient(),
                ClipCase.reference(), ClipCase.gradient(),
                DropoutCase.reference(),
                DropoutCase.gradient(),
                InnerProductCase.reference(),
                InnerProductCase.gradient(),
                InnerProductCase.fusedRelu(),
                InnerProductCase.fusedReluGradient(),
                SoftmaxCase.reference(),
                SoftmaxCase.gradient(),
                SoftmaxWithLossCase.reference(),
                SoftmaxWithLossCase.gradient(),
                AccuracyCase.reference(),
                SplitCase.reference(),
                SplitCase.gradient(),
                ConcatCase.reference(), ConcatCase.gradient(),
                SliceCase.reference(), SliceCase.gradient(),
                FlattenCase.reference(), FlattenCase.gradient(),
                ReshapeCase.reference(), ReshapeCase.gradient(),
                CropCase.reference(), CropCase.gradient(),
                SgdCase.reference());
    }
}
