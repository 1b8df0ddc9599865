package org.graft.caffe;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.graft.caffe.proto.Caffe;
import org.graft.caffe.proto.Caffe.FillerParameter;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.net.config.LayerType;
import org.graft.net.config.NetBinder;

/**
 * Prepares one V2 {@code LayerParameter} of a Caffe file for {@link NetBinder}, which checks and binds it
 * like any net: Caffe's relative paths are made absolute by {@link CaffePaths}, and Caffe's leniencies are
 * made explicit. A loss layer without a top gets one (Caffe adds it), the deprecated {@code normalize}
 * becomes {@code normalization}, a LevelDB is read as the LMDB one converts it to, and every setting
 * Caffe has but Graft does not implement (caffe.proto's graft_unsupported) is dropped with a warning
 * naming the layer, since Caffe itself would run the net. What Graft cannot run stops the import.
 */
final class LayerImport {
    private final Path file;
    private final CaffePaths paths;
    private final Consumer<String> warnings;

    LayerImport(Path file, CaffePaths paths, Consumer<String> warnings) {
        this.file = file;
        this.paths = paths;
        this.warnings = warnings;
    }

    static LayerType typeOf(String caffeType) {
        for (LayerType t : LayerType.values()) {
            if (t.jsonName().equals(caffeType)) {
                return t;
            }
        }
        return null;
    }

    LayerParameter prepare(LayerParameter layer, int index) {
        LayerParameter.Builder l = layer.toBuilder();
        String name = l.getName().isEmpty() ? "layer" + index : l.getName();
        l.setName(name);
        LayerType type = typeOf(l.getType());
        if (type == null) {
            throw new CaffeFormatException(file + ": layer '" + name + "' has type '" + l.getType()
                    + "', which Graft does not support; supported types: " + NetBinder.supportedTypes());
        }
        String where = "layer '" + name + "'";
        if (l.getTopCount() == 0 && type == LayerType.SOFTMAX_WITH_LOSS) {
            l.addTop(name);  // Caffe gives a loss layer without a top an automatic one
        }
        if (l.getBlobsCount() > 0) {
            warnings.accept(file + ": " + where + " carries " + l.getBlobsCount()
                    + " blob(s) inside the net description; they are not imported (give the weights as a .caffemodel)");
            l.clearBlobs();
        }
        for (FieldDescriptor f : l.getAllFields().keySet()) {
            if (f.getName().endsWith("_param") && !type.params().contains(f.getName())) {
                warnings.accept(file + ": " + where + " (" + type.jsonName() + ") has " + f.getName()
                        + ", which a " + type.jsonName() + " layer does not read; ignored, as Caffe does");
                l.clearField(f);
            }
        }
        if (l.hasDataParam()) {
            l.setDataParam(data(l.getDataParam(), where));
        }
        if (l.hasImageDataParam()) {
            Caffe.ImageDataParameter.Builder p = l.getImageDataParam().toBuilder();
            p.setSource(resolve(p.getSource(), where + " image_data_param.source"));
            // Caffe prepends root_folder to each listed path and opens the result from its working directory.
            p.setRootFolder((p.getRootFolder().isEmpty() ? paths.baseFor(l.getImageDataParam().getSource())
                    : paths.resolve(p.getRootFolder(), where + " image_data_param.root_folder")).toString());
            l.setImageDataParam(p);
        }
        if (l.hasTransformParam() && l.getTransformParam().hasMeanFile()) {
            l.getTransformParamBuilder().setMeanFile(resolve(l.getTransformParam().getMeanFile(), where + " transform_param.mean_file"));
        }
        if (l.hasLossParam() && l.getLossParam().hasNormalize()) {
            Caffe.LossParameter.Builder p = l.getLossParamBuilder();
            if (!p.hasNormalization()) {
                // Caffe's older boolean: true means VALID, false means BATCH_SIZE.
                p.setNormalization(p.getNormalize() ? Caffe.LossParameter.NormalizationMode.VALID
                        : Caffe.LossParameter.NormalizationMode.BATCH_SIZE);
            }
            p.clearNormalize();
        }
        if (l.hasConvolutionParam()) {
            Caffe.ConvolutionParameter.Builder p = l.getConvolutionParamBuilder();
            sparse(p.hasWeightFiller() ? p.getWeightFillerBuilder() : null, where);
            sparse(p.hasBiasFiller() ? p.getBiasFillerBuilder() : null, where);
        }
        if (l.hasInnerProductParam()) {
            Caffe.InnerProductParameter.Builder p = l.getInnerProductParamBuilder();
            sparse(p.hasWeightFiller() ? p.getWeightFillerBuilder() : null, where);
            sparse(p.hasBiasFiller() ? p.getBiasFillerBuilder() : null, where);
        }
        dropUnsupported(l, where, "");
        return l.build();
    }

    private Caffe.DataParameter data(Caffe.DataParameter given, String where) {
        Caffe.DataParameter.Builder p = given.toBuilder();
        // Caffe's default backend is LevelDB (the paper's prototxts leave it unset): said explicitly in the net.json.
        p.setBackend(p.getBackend());
        if (p.hasSource()) {
            p.setSource(resolve(p.getSource(), where + " data_param.source"));
        }
        return p.build();
    }

    /** The sparse gaussian is not implemented; the dense one is the closest. {@code f} null: no filler given. */
    private void sparse(FillerParameter.Builder f, String where) {
        if (f == null) {
            return;
        }
        if (f.getSparse() > 0) {
            warnings.accept(file + ": " + where + ": the sparse gaussian filler (sparse: " + f.getSparse()
                    + ") is not implemented; a dense gaussian is used");
        }
        f.clearSparse();
    }

    /** Drops every set field caffe.proto marks graft_unsupported, saying so (Caffe would have honoured it). */
    private void dropUnsupported(Message.Builder m, String where, String path) {
        for (FieldDescriptor f : m.getAllFields().keySet()) {
            String p = path.isEmpty() ? f.getName() : path + "." + f.getName();
            String why = f.getOptions().hasExtension(Caffe.graftUnsupported) ? f.getOptions().getExtension(Caffe.graftUnsupported) : null;
            if (why != null) {
                Object value = m.getField(f);
                warnings.accept(file + ": " + where + ": " + p + " " + (f.isRepeated() ? value : String.valueOf(value))
                        + " is ignored (" + why + ")");
                m.clearField(f);
            } else if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                if (f.isRepeated()) {
                    for (int i = 0; i < m.getRepeatedFieldCount(f); i++) {
                        Message.Builder item = ((Message) m.getRepeatedField(f, i)).toBuilder();
                        dropUnsupported(item, where, p);
                        m.setRepeatedField(f, i, item.build());
                    }
                } else {
                    dropUnsupported(m.getFieldBuilder(f), where, p);
                }
            }
        }
    }

    private String resolve(String path, String what) {
        return paths.resolve(path, what).toString();
    }
}
