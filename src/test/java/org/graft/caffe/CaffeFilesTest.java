package org.graft.caffe;

import org.graft.testing.Repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.graft.caffe.proto.Caffe.BlobProto;
import org.graft.caffe.proto.Caffe.LayerParameter;
import org.graft.caffe.proto.Caffe.NetParameter;
import org.graft.caffe.proto.Caffe.Phase;
import org.graft.caffe.proto.Caffe.SolverState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaffeFilesTest {
    static final Path DIR = Repo.path("testdata", "caffe");
    static final Path MODEL = DIR.resolve("lenet_iter_10000.caffemodel");

    @TempDir
    Path tmp;

    @Test
    void readsTheRealLeNetCaffemodel() {
        NetParameter net = CaffeFiles.readNet(MODEL);
        assertThat(net.getName()).isEqualTo("LeNet");
        assertThat(net.getLayersCount()).isZero();
        assertThat(net.getLayerList().stream().map(LayerParameter::getName).collect(Collectors.toList()))
                .containsExactly("mnist", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2", "loss");
        assertThat(net.getLayer(8).getType()).isEqualTo("SoftmaxWithLoss");
        // The stored net is the TRAIN net: its Data layer keeps the 1/256 input scale.
        LayerParameter data = net.getLayer(0);
        assertThat(data.getInclude(0).getPhase()).isEqualTo(Phase.TRAIN);
        assertThat(data.getTransformParam().getScale()).isEqualTo(0.00390625f);
        assertThat(net.getLayer(1).getConvolutionParam().getNumOutput()).isEqualTo(20);
    }

    @Test
    void parsesTheTrainTestPrototxtWithPhases() {
        NetParameter net = CaffeFiles.readNetText(DIR.resolve("lenet_train_test.prototxt"));
        assertThat(net.getLayerCount()).isEqualTo(11);
        assertThat(net.getLayer(0).getInclude(0).getPhase()).isEqualTo(Phase.TRAIN);
        assertThat(net.getLayer(0).getDataParam().getBatchSize()).isEqualTo(64);
        assertThat(net.getLayer(1).getInclude(0).getPhase()).isEqualTo(Phase.TEST);
        assertThat(net.getLayer(1).getDataParam().getSource()).isEqualTo("examples/mnist/mnist_test_lmdb");
        LayerParameter conv1 = net.getLayer(2);
        assertThat(conv1.getParam(0).getLrMult()).isEqualTo(1f);
        assertThat(conv1.getParam(1).getLrMult()).isEqualTo(2f);
        assertThat(conv1.getConvolutionParam().getKernelSizeList()).containsExactly(5);
        assertThat(conv1.getConvolutionParam().getWeightFiller().getType()).isEqualTo("xavier");
        LayerParameter accuracy = net.getLayer(9);
        assertThat(accuracy.getType()).isEqualTo("Accuracy");
        assertThat(accuracy.getInclude(0).getPhase()).isEqualTo(Phase.TEST);
    }

    @Test
    void parsesDeployPrototxtsWithInputLayer() {
        NetParameter deploy = CaffeFiles.readNetText(DIR.resolve("lenet_deploy.prototxt"));
        LayerParameter input = deploy.getLayer(0);
        assertThat(input.getType()).isEqualTo("Input");
        assertThat(input.getTopList()).containsExactly("data");
        assertThat(input.getInputParam().getShape(0).getDimList()).containsExactly(1L, 1L, 28L, 28L);
        assertThat(deploy.getLayer(deploy.getLayerCount() - 1).getType()).isEqualTo("Softmax");

        NetParameter lenet = CaffeFiles.readNetText(DIR.resolve("lenet.prototxt"));
        assertThat(lenet.getLayer(0).getInputParam().getShape(0).getDimList()).containsExactly(64L, 1L, 28L, 28L);
    }

    @Test
    void writeThenReadIsBitIdentical() throws IOException {
        byte[] original = Files.readAllBytes(MODEL);
        NetParameter net = CaffeFiles.readNetRaw(MODEL);
        Path copy = tmp.resolve("copy.caffemodel");
        CaffeFiles.writeNet(copy, net);
        // Caffe and protobuf-java both write fields in number order with packed floats.
        assertThat(Files.readAllBytes(copy)).isEqualTo(original);
        assertThat(CaffeFiles.readNet(copy)).isEqualTo(net);
        assertThat(leftoverTempFiles()).isEmpty();

        SolverState state = SolverState.newBuilder().setIter(1234).setLearnedNet("lenet_iter_1234.caffemodel")
                .addHistory(CaffeWeights.encode(new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, -0f, 6}))
                .setCurrentStep(2).build();
        Path statePath = tmp.resolve("lenet_iter_1234.solverstate");
        CaffeFiles.writeSolverState(statePath, state);
        assertThat(Files.readAllBytes(statePath)).isEqualTo(state.toByteArray());
        assertThat(CaffeFiles.readSolverState(statePath)).isEqualTo(state);

        BlobProto mean = BlobProto.newBuilder().setNum(1).setChannels(3).setHeight(1).setWidth(2)
                .addAllData(Arrays.asList(104f, 117f, 123f, 104.5f, 117.5f, 123.5f)).build();
        Path meanPath = tmp.resolve("mean.binaryproto");
        CaffeFiles.writeBlobProto(meanPath, mean);
        CaffeFiles.writeBlobProto(meanPath, mean); // replacing an existing file works too
        assertThat(Files.readAllBytes(meanPath)).isEqualTo(mean.toByteArray());
        assertThat(CaffeFiles.readBlobProto(meanPath)).isEqualTo(mean);
        assertThat(leftoverTempFiles()).isEmpty();
    }

    @Test
    void textWriteThenReadGivesTheSameNet() {
        NetParameter net = CaffeFiles.readNetText(DIR.resolve("lenet_train_test.prototxt"));
        Path out = tmp.resolve("out.prototxt");
        CaffeFiles.writeNetText(out, net);
        assertThat(CaffeFiles.readNetText(out)).isEqualTo(net);
    }

    @Test
    void skipsUnknownBinaryFields() throws IOException {
        LayerParameter layer = LayerParameter.newBuilder().setName("ip").setType("InnerProduct")
                .addBlobs(CaffeWeights.encode(new int[] {2}, new float[] {0.5f, -1.5f})).build();
        // A fork's extra fields: a varint (field 999) inside the layer, a string (field 4242) in the net.
        byte[] layerBytes = concat(layer.toByteArray(), field(999, 0, 7L));
        ByteArrayOutputStream net = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(net);
        out.writeString(1, "ForkNet");
        out.writeByteArray(100, layerBytes);
        out.writeByteArray(4242, "fork metadata".getBytes(StandardCharsets.UTF_8));
        out.flush();
        Path file = tmp.resolve("fork.caffemodel");
        Files.write(file, net.toByteArray());

        NetParameter read = CaffeFiles.readNet(file);
        assertThat(read.getName()).isEqualTo("ForkNet");
        assertThat(read.getLayer(0).getName()).isEqualTo("ip");
        assertThat(read.getLayer(0).getBlobs(0).getDataList()).containsExactly(0.5f, -1.5f);
        assertThat(read.getLayer(0).getUnknownFields().hasField(999)).isTrue();
        assertThat(read.getUnknownFields().hasField(4242)).isTrue();
    }

    @Test
    void acceptsUnpackedRepeatedFields() throws IOException {
        // Fields declared packed may still arrive one tag per value (other writers, old protobuf).
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        CodedOutputStream s = CodedOutputStream.newInstance(shape);
        s.writeInt64(1, 1);
        s.writeInt64(1, 3);
        s.flush();
        ByteArrayOutputStream blob = new ByteArrayOutputStream();
        CodedOutputStream b = CodedOutputStream.newInstance(blob);
        b.writeFloat(5, 104f);
        b.writeFloat(5, 117f);
        b.writeFloat(5, 123f);
        b.writeByteArray(7, shape.toByteArray());
        b.flush();
        Path file = tmp.resolve("mean.binaryproto");
        Files.write(file, blob.toByteArray());
        BlobProto read = CaffeFiles.readBlobProto(file);
        assertThat(read.getShape().getDimList()).containsExactly(1L, 3L);
        assertThat(read.getDataList()).containsExactly(104f, 117f, 123f);
    }

    @Test
    void refusesUnknownTextFieldsUnlessLenientThenSkipsThem() throws IOException {
        Path file = write("fork.prototxt", """
                name: "ForkNet"
                fork_net_option: "x"
                layer {
                  name: "conv1"
                  type: "Convolution"
                  engine_fork_option: 3
                  fork_param { a: 1 b: "two" nested { c: 3.5 } }
                  convolution_param { num_output: 8 kernel_size: 3 fork_speed: FAST }
                }
                """);
        assertThatThrownBy(() -> CaffeFiles.readNetText(file)).isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("fork.prototxt:2:1: NetParameter has no field 'fork_net_option'")
                .hasMessageContaining("has no field 'fork_speed'").hasMessageContaining("--lenient");
        CaffeFiles.lenient(true);
        NetParameter net;
        try {
            net = CaffeFiles.readNetText(file);
        } finally {
            CaffeFiles.lenient(false);
        }
        assertThat(net.getName()).isEqualTo("ForkNet");
        assertThat(net.getLayer(0).getConvolutionParam().getNumOutput()).isEqualTo(8);
        assertThat(net.getLayer(0).getConvolutionParam().getKernelSizeList()).containsExactly(3);
    }

    @Test
    void textSyntaxErrorNamesFileLineAndColumn() throws IOException {
        Path file = write("broken.prototxt", """
                name: "Broken"
                layer {
                  name: "conv1"
                  convolution_param { num_output 20 }
                }
                """);
        assertThatThrownBy(() -> CaffeFiles.readNetText(file))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageStartingWith("Caffe text net " + file + ":4:34: ");

        // Allowing unknown fields must not let broken syntax through, not even inside an unknown field.
        Path unclosed = write("unclosed.prototxt", """
                layer {
                  name: "conv1"
                  fork_param { a: 1
                }
                """);
        assertThatThrownBy(() -> CaffeFiles.readNetText(unclosed))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining(unclosed + ":");

        Path twice = write("twice.prototxt", "layer { name: \"a\" name: \"b\" }\n");
        assertThatThrownBy(() -> CaffeFiles.readNetText(twice))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining(twice + ":1:")
                .hasMessageContaining("name");
    }

    @Test
    void truncatedCaffemodelGivesAClearError() throws IOException {
        byte[] all = Files.readAllBytes(MODEL);
        Path half = tmp.resolve("half.caffemodel");
        Files.write(half, Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> CaffeFiles.readNet(half))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining(half.toString())
                .hasMessageContaining("truncated or corrupt")
                .hasMessageContaining("ended unexpectedly");
    }

    @Test
    void corruptLengthDoesNotAllocateHugely() throws IOException {
        // A layer claiming 2 GB of content in a 12-byte file.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeTag(100, 2);
        out.writeUInt32NoTag(Integer.MAX_VALUE - 16);
        out.writeRawBytes(new byte[] {1, 2, 3});
        out.flush();
        Path file = tmp.resolve("corrupt.caffemodel");
        Files.write(file, bytes.toByteArray());
        assertThatThrownBy(() -> CaffeFiles.readNet(file))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void wrongOrMissingFilesAreNamed() {
        Path missing = tmp.resolve("nope.caffemodel");
        assertThatThrownBy(() -> CaffeFiles.readNet(missing))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining(missing + " does not exist");
        // A text net handed to the binary reader.
        assertThatThrownBy(() -> CaffeFiles.readNet(DIR.resolve("lenet_deploy.prototxt")))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining("lenet_deploy.prototxt");
    }

    @Test
    void mixingLayerAndLayersIsRejected() throws IOException {
        Path file = write("mixed.prototxt", """
                name: "Mixed"
                layer { name: "conv1" type: "Convolution" }
                layers { name: "relu1" type: RELU }
                """);
        assertThatThrownBy(() -> CaffeFiles.readNetText(file))
                .isInstanceOf(CaffeFormatException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("mixes")
                .hasMessageContaining("'layer'")
                .hasMessageContaining("'layers'");
    }

    private Path write(String name, String text) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private java.util.List<Path> leftoverTempFiles() throws IOException {
        try (var s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).collect(Collectors.toList());
        }
    }

    static byte[] field(int number, int wireType, long varint) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        out.writeTag(number, wireType);
        out.writeUInt64NoTag(varint);
        out.flush();
        return b.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
