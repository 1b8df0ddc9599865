#!/usr/bin/env python3
"""Writes the paper's networks as Caffe prototxts, V0 (the vintage of yosinski/convnet_transfer) and V2.

Written for Graft from the facts in shared/research/caffe-format.md, sections A2-A6 (see SOURCE.md);
nothing here is copied from the paper's repository. Run from this folder: python3 generate.py
"""
import os

# CaffeNet as the paper trained it (A2). conv: (name, bottom, num_output, kernel, stride, pad, group, bias value)
CONVS = {
    "conv1": ("data", 96, 11, 4, 0, 1, 0.0),
    "conv2": ("norm1", 256, 5, 1, 2, 2, 1.0),
    "conv3": ("norm2", 384, 3, 1, 1, 1, 0.0),
    "conv4": ("conv3", 384, 3, 1, 1, 2, 1.0),
    "conv5": ("conv4", 256, 3, 1, 1, 2, 1.0),
}
# fc: (bottom, num_output, weight std, bias value); fc8 has 1000 outputs in every net, even the 500-class halves.
FCS = {
    "fc6": ("pool5", 4096, 0.005, 1.0),
    "fc7": ("fc6", 4096, 0.005, 1.0),
    "fc8": ("fc7", 1000, 0.01, 0.0),
}
# The eight learned layers in order; a transfer net copies layers 1..n and renames the rest "<name>-new".
LEARNED = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]

# The network, one entry per layer: (kind, name, bottom, top, extra).
BODY = [
    ("conv", "conv1"), ("relu", "relu1", "conv1"), ("pool", "pool1", "conv1", "pool1"), ("lrn", "norm1", "pool1", "norm1"),
    ("conv", "conv2"), ("relu", "relu2", "conv2"), ("pool", "pool2", "conv2", "pool2"), ("lrn", "norm2", "pool2", "norm2"),
    ("conv", "conv3"), ("relu", "relu3", "conv3"),
    ("conv", "conv4"), ("relu", "relu4", "conv4"),
    ("conv", "conv5"), ("relu", "relu5", "conv5"), ("pool", "pool5", "conv5", "pool5"),
    ("fc", "fc6"), ("relu", "relu6", "fc6"), ("drop", "drop6", "fc6"),
    ("fc", "fc7"), ("relu", "relu7", "fc7"), ("drop", "drop7", "fc7"),
    ("fc", "fc8"),
]


def multipliers(layer, n, frozen):
    """(lr weights, lr bias, decay weights, decay bias) of a learned layer in a transfer net copying n layers."""
    if frozen and LEARNED.index(layer) < n:
        return (0, 0, 0, 0)
    return (1, 2, 1, 0)


def layer_name(layer, n):
    return layer if n is None or LEARNED.index(layer) < n else layer + "-new"


def v0_float(x):
    return ("%g" % x) + ("." if float(x).is_integer() and "e" not in "%g" % x else "")


# ----------------------------------------------------------------------------------------- V0

def v0_layer(fields, bottoms, tops, indent="  "):
    out = ["layers {", "  layer {"]
    for k, v in fields:
        if isinstance(v, list):
            out.append("    %s {" % k)
            out += ["      %s: %s" % kv for kv in v]
            out.append("    }")
        else:
            out.append("    %s: %s" % (k, v))
    out.append("  }")
    out += ['  bottom: "%s"' % b for b in bottoms]
    out += ['  top: "%s"' % t for t in tops]
    out.append("}")
    return "\n".join(out)


def v0_net(phase, data_source, n=None, frozen=False, padding_layers=False):
    batch = 256 if phase == "train" else 50
    data = [("name", '"data"'), ("type", '"data"'), ("source", '"%s"' % data_source),
            ("meanfile", '"imagenet_mean.binaryproto"'), ("batchsize", batch), ("cropsize", 227)]
    if phase == "train":
        data.append(("mirror", "true"))
    parts = ['name: "CaffeNet"', v0_layer(data, [], ["data", "label"])]
    for entry in BODY:
        kind, name = entry[0], entry[1]
        if kind == "conv":
            bottom, num, k, stride, pad, group, bias = CONVS[name]
            lr_w, lr_b, wd_w, wd_b = multipliers(name, n or 0, frozen)
            if padding_layers and pad > 0:
                pad_name = "pad" + name[-1]
                parts.append(v0_layer([("name", '"%s"' % pad_name), ("type", '"padding"'), ("pad", pad)], [bottom], [pad_name]))
                bottom = pad_name
            f = [("name", '"%s"' % layer_name(name, n)), ("type", '"conv"'), ("num_output", num), ("kernelsize", k)]
            if pad > 0 and not padding_layers:
                f.append(("pad", pad))
            if group > 1:
                f.append(("group", group))
            if stride > 1:
                f.append(("stride", stride))
            f += [("weight_filler", [("type", '"gaussian"'), ("std", 0.01)]),
                  ("bias_filler", [("type", '"constant"'), ("value", v0_float(bias))]),
                  ("blobs_lr", v0_float(lr_w)), ("blobs_lr", v0_float(lr_b)),
                  ("weight_decay", v0_float(wd_w)), ("weight_decay", v0_float(wd_b))]
            parts.append(v0_layer(f, [bottom], [name]))
        elif kind == "fc":
            bottom, num, std, bias = FCS[name]
            lr_w, lr_b, wd_w, wd_b = multipliers(name, n or 0, frozen)
            f = [("name", '"%s"' % layer_name(name, n)), ("type", '"innerproduct"'), ("num_output", num),
                 ("weight_filler", [("type", '"gaussian"'), ("std", std)]),
                 ("bias_filler", [("type", '"constant"'), ("value", v0_float(bias))]),
                 ("blobs_lr", v0_float(lr_w)), ("blobs_lr", v0_float(lr_b)),
                 ("weight_decay", v0_float(wd_w)), ("weight_decay", v0_float(wd_b))]
            parts.append(v0_layer(f, [bottom], [name]))
        elif kind == "relu":
            parts.append(v0_layer([("name", '"%s"' % name), ("type", '"relu"')], [entry[2]], [entry[2]]))
        elif kind == "drop":
            parts.append(v0_layer([("name", '"%s"' % name), ("type", '"dropout"'), ("dropout_ratio", 0.5)], [entry[2]], [entry[2]]))
        elif kind == "pool":
            parts.append(v0_layer([("name", '"%s"' % name), ("type", '"pool"'), ("pool", "MAX"), ("kernelsize", 3), ("stride", 2)],
                                  [entry[2]], [entry[3]]))
        elif kind == "lrn":
            parts.append(v0_layer([("name", '"%s"' % name), ("type", '"lrn"'), ("local_size", 5), ("alpha", 0.0001), ("beta", 0.75)],
                                  [entry[2]], [entry[3]]))
    if phase == "train":
        # The 2014 loss layer has no top; Caffe adds one itself.
        parts.append(v0_layer([("name", '"loss"'), ("type", '"softmax_loss"')], ["fc8", "label"], []))
    else:
        parts.append(v0_layer([("name", '"prob"'), ("type", '"softmax"')], ["fc8"], ["prob"]))
        parts.append(v0_layer([("name", '"accuracy"'), ("type", '"accuracy"')], ["prob", "label"], ["accuracy"]))
    return "\n".join(parts) + "\n"


def v0_solver():
    return """# The paper's solver (caffe-format.md A3), old style: train_net/test_net, solver_mode as a number.
train_net: "imagenet_train.prototxt"
test_net: "imagenet_val.prototxt"
test_iter: 1000
test_interval: 1000
base_lr: 0.01
lr_policy: "step"
gamma: 0.1
stepsize: 100000
display: 20
max_iter: 450000
momentum: 0.9
weight_decay: 0.0005
snapshot: 10000
snapshot_prefix: "caffe_imagenet_train"
solver_mode: 1
"""

# ----------------------------------------------------------------------------------------- V2


def v2_layer(name, type_, bottoms, tops, body=(), include=None):
    out = ["layer {", '  name: "%s"' % name, '  type: "%s"' % type_]
    out += ['  bottom: "%s"' % b for b in bottoms]
    out += ['  top: "%s"' % t for t in tops]
    if include:
        out += ["  include {", "    phase: %s" % include, "  }"]
    out += ["  " + line for line in body]
    out.append("}")
    return "\n".join(out)


def v2_params(name, n, frozen):
    lr_w, lr_b, wd_w, wd_b = multipliers(name, n or 0, frozen)
    return ["param {", "  lr_mult: %g" % lr_w, "  decay_mult: %g" % wd_w, "}",
            "param {", "  lr_mult: %g" % lr_b, "  decay_mult: %g" % wd_b, "}"]


def v2_net(train_source, val_source, n=None, frozen=False):
    parts = ['name: "CaffeNet"']
    for phase, source, batch in (("TRAIN", train_source, 256), ("TEST", val_source, 50)):
        transform = ["transform_param {"] + (["  mirror: true"] if phase == "TRAIN" else []) + [
            "  crop_size: 227", '  mean_file: "imagenet_mean.binaryproto"', "}"]
        data = ["data_param {", '  source: "%s"' % source, "  batch_size: %d" % batch, "  backend: LMDB", "}"]
        parts.append(v2_layer("data", "Data", [], ["data", "label"], transform + data, phase))
    for entry in BODY:
        kind, name = entry[0], entry[1]
        if kind == "conv":
            bottom, num, k, stride, pad, group, bias = CONVS[name]
            conv = ["convolution_param {", "  num_output: %d" % num, "  kernel_size: %d" % k]
            conv += ["  stride: %d" % stride] if stride > 1 else []
            conv += ["  pad: %d" % pad] if pad > 0 else []
            conv += ["  group: %d" % group] if group > 1 else []
            conv += ["  weight_filler {", '    type: "gaussian"', "    std: 0.01", "  }",
                     "  bias_filler {", '    type: "constant"', "    value: %g" % bias, "  }", "}"]
            parts.append(v2_layer(layer_name(name, n), "Convolution", [bottom], [name], v2_params(name, n, frozen) + conv))
        elif kind == "fc":
            bottom, num, std, bias = FCS[name]
            ip = ["inner_product_param {", "  num_output: %d" % num,
                  "  weight_filler {", '    type: "gaussian"', "    std: %g" % std, "  }",
                  "  bias_filler {", '    type: "constant"', "    value: %g" % bias, "  }", "}"]
            parts.append(v2_layer(layer_name(name, n), "InnerProduct", [bottom], [name], v2_params(name, n, frozen) + ip))
        elif kind == "relu":
            parts.append(v2_layer(name, "ReLU", [entry[2]], [entry[2]]))
        elif kind == "drop":
            parts.append(v2_layer(name, "Dropout", [entry[2]], [entry[2]], ["dropout_param {", "  dropout_ratio: 0.5", "}"]))
        elif kind == "pool":
            parts.append(v2_layer(name, "Pooling", [entry[2]], [entry[3]],
                                  ["pooling_param {", "  pool: MAX", "  kernel_size: 3", "  stride: 2", "}"]))
        elif kind == "lrn":
            parts.append(v2_layer(name, "LRN", [entry[2]], [entry[3]],
                                  ["lrn_param {", "  local_size: 5", "  alpha: 0.0001", "  beta: 0.75", "}"]))
    parts.append(v2_layer("loss", "SoftmaxWithLoss", ["fc8", "label"], ["loss"], include="TRAIN"))
    parts.append(v2_layer("prob", "Softmax", ["fc8"], ["prob"], include="TEST"))
    parts.append(v2_layer("accuracy", "Accuracy", ["prob", "label"], ["accuracy"], include="TEST"))
    return "\n".join(parts) + "\n"


def v2_solver(net):
    return v0_solver().replace("old style: train_net/test_net, solver_mode as a number", "current style: one net with phases") \
        .replace('train_net: "imagenet_train.prototxt"\ntest_net: "imagenet_val.prototxt"\n', 'net: "%s"\n' % net) \
        .replace("solver_mode: 1", "solver_mode: GPU")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


HEADER = "# %s: written for Graft from the facts in caffe-format.md A2-A6, not copied (see %s).\n"

# (folder, base data, copied layers n, frozen, separate padding layers)
V0_NETS = [
    ("half0A", "half0A", None, False, False),
    ("netbase", "whole", None, False, True),
    ("transfer0A0B_1_3", "half0B", 3, True, False),
    ("transfer-ft0A0B_1_3", "half0B", 3, False, False),
]

for folder, data, n, frozen, padding in V0_NETS:
    for phase, split in (("train", "train"), ("val", "valid")):
        text = v0_net(phase, "ilsvrc12/%s_%s_leveldb" % (data, split), n, frozen, padding)
        write("v0/%s/imagenet_%s.prototxt" % (folder, phase), HEADER % ("V0 " + folder + " " + phase, "../../SOURCE.md") + text)
    write("v0/%s/imagenet_solver.prototxt" % folder, v0_solver())

V2_NETS = [
    ("caffenet", "half0A", None, False),
    ("transfer0A0B_1_3", "half0B", 3, True),
    ("transfer-ft0A0B_1_3", "half0B", 3, False),
]
for name, data, n, frozen in V2_NETS:
    text = v2_net("ilsvrc12/%s_train_lmdb" % data, "ilsvrc12/%s_valid_lmdb" % data, n, frozen)
    write("v2/%s_train_val.prototxt" % name, HEADER % ("V2 " + name, "../SOURCE.md") + text)
    write("v2/%s_solver.prototxt" % name, v2_solver("%s_train_val.prototxt" % name))
