#!/usr/bin/python3
"""Graft against PyTorch (training steps) and OpenBLAS (square SGEMM) in one run, alternating.

Started by tools/bench-vs-pytorch (read its header for the usage). For every model:

1. Graft's `time --step-only --json` once, to learn the network exactly as Graft built it (layers in
   execution order, implicit Splits, every blob's shape, the layer settings);
2. the same network in PyTorch from that description, checked blob by blob against Graft's shapes
   (any difference stops the run: it would not be the same network);
3. R rounds, alternating: one Graft process timing N training steps, then N PyTorch training steps
   (forward + backward + SGD momentum step, the loss read back every step) in this process.

Then R rounds of square float32 GEMMs, alternating Graft's `bench --only gemm` with numpy's matmul
(OpenBLAS, all cores, OPENBLAS_CORETYPE=SkylakeX when the CPU has AVX-512). Everything is printed as a
Markdown block for BENCHMARKS.md. Progress goes to standard error, the report to standard output.
"""

import argparse
import datetime
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MODELS = [
    "examples/fashion-mnist/net.json:128",
    # The paper's CaffeNet; its ImageNet databases are not in the repository, so random 3x227x227 inputs.
    "testdata/paper/v2/caffenet_train_val.prototxt:64:3x227x227",
]
INSTALL_HINT = "apt-get install -y python3-torch python3-numpy"
OPENBLAS_HINT = "apt-get install -y libopenblas0-pthread"
LEARNING_RATE = 1e-5  # as Graft's time command: random inputs must not make the weights overflow
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def fail(msg, code=1):
    print("bench-vs-pytorch: " + msg, file=sys.stderr, flush=True)
    sys.exit(code)


def cpu_count():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def cpu_has_avx512():
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and " avx512f" in line for line in f)
    except OSError:
        return False


def configure_blas(threads):
    """Must run before numpy or torch is imported: OpenBLAS reads these when it is loaded."""
    before = os.environ.get("OPENBLAS_CORETYPE")
    if cpu_has_avx512():
        os.environ["OPENBLAS_CORETYPE"] = "SkylakeX"
        why = "SkylakeX, set by this tool because /proc/cpuinfo lists avx512f"
        if before and before != "SkylakeX":
            why += " (the environment had OPENBLAS_CORETYPE=%s)" % before
    else:
        why = (before + ", from the environment") if before else "OpenBLAS's own detection (no avx512f in /proc/cpuinfo)"
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    return why


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="tools/bench-vs-pytorch",
        description="Time Graft and PyTorch training steps (and Graft's GEMM against OpenBLAS) in one run, alternating.")
    p.add_argument("models", nargs="*", metavar="MODEL",
                   help="net.json or Caffe prototxt, optionally MODEL:BATCH or MODEL:BATCH:CxHxW (random inputs of that "
                        "image shape, for nets whose data files are absent). Default: " + " ".join(DEFAULT_MODELS))
    p.add_argument("--batch", type=int, default=0, help="batch size for models that do not carry their own")
    p.add_argument("--iterations", type=int, default=10, help="timed training steps per round (default 10)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds per side (default 3)")
    p.add_argument("--gemm-sizes", default="512,1024,2048,4096", help="square GEMM sizes (default 512,1024,2048,4096)")
    p.add_argument("--gemm-repeat", type=int, default=5, help="timed GEMMs per size and round, median taken (default 5)")
    p.add_argument("--no-gemm", action="store_true", help="skip the GEMM comparison")
    p.add_argument("--no-train", action="store_true", help="skip the training comparison")
    p.add_argument("--out", metavar="FILE.md", help="also write the report to this file")
    p.add_argument("--graft-args", default="", help="extra options for Graft's time and bench, e.g. \"--backend lwjgl --device 0\"")
    p.add_argument("--torch-device", default="cpu", metavar="DEV",
                   help="where PyTorch trains: cpu (default) or cuda (then the BLAS check is skipped: the GPU does the work)")
    p.add_argument("--any-blas", action="store_true",
                   help="run even if numpy/PyTorch do not use OpenBLAS (the report then says the comparison is not fair)")
    a = p.parse_args(argv)
    if a.iterations < 1 or a.rounds < 1 or a.gemm_repeat < 1 or a.batch < 0:
        p.error("--iterations, --rounds and --gemm-repeat must be >= 1 and --batch >= 0")
    try:
        a.gemm_sizes = [int(s) for s in a.gemm_sizes.split(",") if s.strip()]
    except ValueError:
        p.error("--gemm-sizes must be comma-separated integers, got '%s'" % a.gemm_sizes)
    if not a.gemm_sizes or min(a.gemm_sizes) < 1:
        p.error("--gemm-sizes must be integers >= 1")
    if not a.models:
        a.models = [os.path.join(ROOT, m) for m in DEFAULT_MODELS]
    return a


def parse_model(spec, default_batch):
    """PATH[:BATCH[:CxHxW]] -> (path, batch or 0, 'C,H,W' or None)."""
    parts = spec.split(":")
    path, batch, shape = parts[0], default_batch, None
    if len(parts) > 3:
        fail("model '%s': expected PATH, PATH:BATCH or PATH:BATCH:CxHxW" % spec, 2)
    if len(parts) >= 2 and parts[1]:
        try:
            batch = int(parts[1])
        except ValueError:
            fail("model '%s': the batch after ':' must be an integer" % spec, 2)
        if batch < 1:
            fail("model '%s': the batch must be >= 1" % spec, 2)
    if len(parts) == 3:
        shape = parts[2].replace("x", ",")
    if not os.path.isfile(path):
        fail("model file %s does not exist" % os.path.abspath(path), 2)
    return os.path.abspath(path), batch, shape


# --------------------------------------------------------------------------------------------- Graft

class Graft:
    def __init__(self, jar, extra_args, workdir):
        self.jar = jar
        self.extra = shlex.split(extra_args)
        self.java_opts = shlex.split(os.environ.get("GRAFT_JAVA_OPTS", ""))
        self.workdir = workdir
        self.calls = 0

    def command(self, args):
        return [os.environ.get("GRAFT_JAVA", "java")] + self.java_opts + ["-jar", self.jar] + args + self.extra

    def run_json(self, args, what):
        self.calls += 1
        out = os.path.join(self.workdir, "graft-%d.json" % self.calls)
        cmd = self.command(args + ["--json", out])
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0 or not os.path.isfile(out):
            err = "\n".join((r.stderr or "").strip().splitlines()[-15:])
            hint = ""
            if "does not exist" in err and args and args[0] == "time":
                hint = ("\n(a data file is missing: give the model as MODEL:BATCH:CxHxW to time it on random inputs, "
                        "e.g. 3x227x227 for CaffeNet)")
            fail("%s failed (exit %d): %s\n%s%s" % (what, r.returncode, " ".join(shlex.quote(c) for c in cmd), err, hint))
        with open(out) as f:
            return json.load(f)

    def time(self, model, batch, shape, iterations):
        args = ["time", model, "--iterations", str(iterations), "--step-only"]
        if batch:
            args += ["--batch", str(batch)]
        if shape:
            args += ["--input-shape", shape]
        return self.run_json(args, "Graft's time")

    def gemm(self, sizes, repeat):
        args = ["bench", "--only", "gemm", "--sizes", ",".join(map(str, sizes)), "--repeat", str(repeat)]
        return self.run_json(args, "Graft's bench")


# ------------------------------------------------------------------------------------------- PyTorch

def caffe_hw(p, repeated, pair, default):
    """(height, width) of a 2-D size in Caffe's ConvolutionParameter spellings, as `time --json` prints them:
    the h/w pair when set (non-zero), else the repeated field (one value for both axes, or two), else the default."""
    if pair and (p.get(pair + "_h", 0) or p.get(pair + "_w", 0)):
        return (p[pair + "_h"], p[pair + "_w"])
    values = p.get(repeated) or [default]
    return (values[0], values[-1])


def build_torch_net(torch, desc):
    """The network Graft described, as a PyTorch module running the layers in Graft's order on a blob dict."""
    nn = torch.nn
    F = torch.nn.functional

    class WithinChannelLRN(nn.Module):
        """Caffe's WITHIN_CHANNEL LRN: x / (1 + alpha * mean of x^2 over a size x size window)^beta."""

        def __init__(self, size, alpha, beta):
            super().__init__()
            self.size, self.alpha, self.beta = size, alpha, beta

        def forward(self, x):
            avg = F.avg_pool2d(x * x, self.size, stride=1, padding=(self.size - 1) // 2, count_include_pad=True)
            return x / (1 + self.alpha * avg).pow(self.beta)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.steps = []  # (layer dict, kind, module key or None)
            self.mods = nn.ModuleDict()
            self.inputs = desc["inputs"]
            self.produced_by_split = set()
            input_names = {i["name"] for i in self.inputs}
            shapes = {i["name"]: i["shape"] for i in self.inputs}
            for i, L in enumerate(desc["layers"]):
                t = L["type"]
                bottom_shapes = [shapes[b] for b in L["bottoms"]]
                key = "l%d" % i
                mod, kind = None, t
                if t == "Convolution":
                    p = L["convolution_param"]
                    mod = nn.Conv2d(bottom_shapes[0][1], p["num_output"], caffe_hw(p, "kernel_size", "kernel", 0),
                                    stride=caffe_hw(p, "stride", "stride", 1), padding=caffe_hw(p, "pad", "pad", 0),
                                    dilation=caffe_hw(p, "dilation", None, 1), groups=p["group"], bias=p["bias_term"])
                elif t == "Pooling":
                    p = L["pooling_param"]
                    if p["global_pooling"]:
                        k, s, pad = tuple(bottom_shapes[0][2:4]), 1, 0
                    else:
                        k, s, pad = pool_hw(p, "kernel_size", "kernel"), pool_hw(p, "stride", "stride"), pool_hw(p, "pad", "pad")
                    ceil = p["round_mode"] == "CEIL"  # Caffe rounds up (and drops a window starting in the padding, as PyTorch)
                    if p["pool"] == "MAX":
                        mod = nn.MaxPool2d(k, s, pad, ceil_mode=ceil)
                    else:
                        mod = nn.AvgPool2d(k, s, pad, ceil_mode=ceil, count_include_pad=True)
                elif t == "LRN":
                    p = L["lrn_param"]
                    if p["norm_region"] == "ACROSS_CHANNELS":
                        # Both frameworks divide alpha by local_size.
                        mod = nn.LocalResponseNorm(p["local_size"], alpha=p["alpha"], beta=p["beta"], k=p["k"])
                    else:
                        mod = WithinChannelLRN(p["local_size"], p["alpha"], p["beta"])
                elif t == "ReLU":
                    slope = L["relu_param"]["negative_slope"]
                    # In place like Caffe's top == bottom, unless the blob is one of a Split's aliases.
                    inplace = (L["tops"] == L["bottoms"] and L["bottoms"][0] not in self.produced_by_split
                               and L["bottoms"][0] not in input_names)
                    mod = nn.ReLU(inplace=inplace) if slope == 0 else nn.LeakyReLU(slope, inplace=inplace)
                elif t == "Dropout":
                    mod = nn.Dropout(L["dropout_param"]["dropout_ratio"])
                elif t == "InnerProduct":
                    p = L["inner_product_param"]
                    axis = p["axis"] % len(bottom_shapes[0])
                    k_in = math.prod(bottom_shapes[0][axis:])
                    mod = nn.Linear(k_in, p["num_output"], bias=p["bias_term"])
                    kind = ("InnerProduct", axis)
                elif t == "Softmax":
                    kind = ("Softmax", L["softmax_param"]["axis"])
                elif t == "SoftmaxWithLoss":
                    kind = ("SoftmaxWithLoss", dict(L["loss_param"], axis=L["softmax_param"]["axis"]))
                elif t == "Split":
                    self.produced_by_split.update(L["tops"])
                elif t == "Accuracy":
                    pass  # not part of training; Graft runs it forward only, PyTorch skips it
                else:
                    raise SystemExit("bench-vs-pytorch: layer '%s' has type %s, which this PyTorch builder does not know"
                                     % (L["name"], t))
                if mod is not None:
                    self.mods[key] = mod
                self.steps.append((L, kind, key if mod is not None else None))
                for top, shape in zip(L["tops"], L["top_shapes"]):
                    shapes[top] = shape
            self.check_params()

        def check_params(self):
            bad = []
            for L, kind, key in self.steps:
                if key is None:
                    continue
                ours = [list(p.shape) for p in self.mods[key].parameters()]
                theirs = [p["shape"] for p in L["params"]]
                if L["type"] == "InnerProduct" and L["inner_product_param"]["transpose"] and theirs:
                    theirs[0] = list(reversed(theirs[0]))  # Graft stores (K, N) then; the work is the same
                if ours != theirs:
                    bad.append("layer '%s': PyTorch parameters %s, Graft %s" % (L["name"], ours, theirs))
            if bad:
                raise SystemExit("bench-vs-pytorch: the PyTorch network differs from Graft's:\n  " + "\n  ".join(bad))

        def param_groups(self, lr, weight_decay):
            """One group per (lr_mult, decay_mult), as Caffe's per-blob multipliers; frozen blobs get no gradient."""
            groups = {}
            for L, kind, key in self.steps:
                if key is None:
                    continue
                for p, spec in zip(self.mods[key].parameters(), L["params"]):
                    if spec["lr_mult"] == 0:
                        p.requires_grad_(False)
                        continue
                    groups.setdefault((spec["lr_mult"], spec["decay_mult"]), []).append(p)
            return [{"params": ps, "lr": lr * m, "weight_decay": weight_decay * d} for (m, d), ps in groups.items()]

        def forward(self, feeds, check=False):
            blobs = dict(feeds)
            loss = None
            mismatches = []
            for L, kind, key in self.steps:
                t = L["type"]
                xs = [blobs[b] for b in L["bottoms"]]
                if t == "Split":
                    outs = [xs[0]] * len(L["tops"])
                elif t == "Accuracy":
                    continue
                elif isinstance(kind, tuple) and kind[0] == "InnerProduct":
                    outs = [self.mods[key](xs[0].flatten(kind[1]))]
                elif isinstance(kind, tuple) and kind[0] == "Softmax":
                    outs = [F.softmax(xs[0], dim=kind[1])]
                elif isinstance(kind, tuple) and kind[0] == "SoftmaxWithLoss":
                    outs = [softmax_loss(F, xs[0], xs[1], kind[1])]
                else:
                    outs = [self.mods[key](xs[0])]
                weights = L["loss_weights"] or ([1.0] if L["is_loss"] else [])
                for top, out, graft_shape in zip(L["tops"], outs, L["top_shapes"]):
                    blobs[top] = out
                    if check:
                        same = (out.numel() == 1 == math.prod(graft_shape)) if L["is_loss"] else list(out.shape) == graft_shape
                        if not same:
                            mismatches.append("layer '%s' (%s) top '%s': PyTorch %s, Graft %s"
                                              % (L["name"], t, top, list(out.shape), graft_shape))
                for w, out in zip(weights, outs):
                    if w:
                        term = w * out.sum()
                        loss = term if loss is None else loss + term
            if mismatches:
                raise SystemExit("bench-vs-pytorch: the PyTorch network is not the one Graft built:\n  " + "\n  ".join(mismatches))
            if loss is None:
                raise SystemExit("bench-vs-pytorch: the network has no loss, so it cannot be trained")
            return loss

    return Net()


def pool_hw(p, both, prefix):
    """A 2-D size as caffe.proto spells it (time --json prints every field): prefix_h and prefix_w when either
    is given (not null, not 0), else `both` for both axes, as Caffe's pooling layer reads them."""
    h, w = p.get(prefix + "_h"), p.get(prefix + "_w")
    if h or w:
        return (h or 0, w or 0)
    return (p[both], p[both])


def softmax_loss(F, logits, labels, p):
    axis = p["axis"]
    if axis != 1:
        logits = logits.movedim(axis, 1)
    ignore = p["ignore_label"] if p["ignore_label"] is not None else -100
    labels = labels.long()
    norm = p["normalization"]
    if norm == "VALID":
        return F.cross_entropy(logits, labels, ignore_index=ignore)
    total = F.cross_entropy(logits, labels, ignore_index=ignore, reduction="sum")
    if norm == "BATCH_SIZE":
        return total / logits.shape[0]
    if norm == "FULL":
        return total / labels.numel()
    return total


def torch_inputs(torch, desc):
    """Random images in [-1, 1] and valid labels, of Graft's input shapes (as Graft's time fills them)."""
    g = torch.Generator().manual_seed(1)
    # Labels must index the loss's classes: the channel count of the first loss layer's logits.
    classes = 1
    shapes = {i["name"]: i["shape"] for i in desc["inputs"]}
    for L in desc["layers"]:
        shapes.update(zip(L["tops"], L["top_shapes"]))
    for L in desc["layers"]:
        if L["type"] == "SoftmaxWithLoss":
            classes = shapes[L["bottoms"][0]][L["softmax_param"]["axis"]]
            break
    feeds = {}
    for i in desc["inputs"]:
        shape = i["shape"]
        if len(shape) == 1 or "label" in i["name"].lower():
            feeds[i["name"]] = torch.randint(0, classes, shape, generator=g)
        else:
            feeds[i["name"]] = torch.rand(shape, generator=g) * 2 - 1
    return feeds


class TorchSide:
    def __init__(self, torch, desc, device):
        self.torch = torch
        self.net = build_torch_net(torch, desc).to(device)
        self.net.train()
        self.feeds = {k: v.to(device) for k, v in torch_inputs(torch, desc).items()}
        self.opt = torch.optim.SGD(self.net.param_groups(LEARNING_RATE, WEIGHT_DECAY), lr=LEARNING_RATE, momentum=MOMENTUM)
        self.params = sum(p.numel() for p in self.net.parameters())
        self.check_shapes()
        self.step()  # first-use costs (allocator, oneDNN primitives) outside every round, as Graft's resolving run

    def check_shapes(self):
        with self.torch.no_grad():
            self.net(self.feeds, check=True)

    def step(self):
        self.opt.zero_grad(set_to_none=True)
        loss = self.net(self.feeds)
        loss.backward()
        self.opt.step()
        value = loss.item()  # the step's sync, as Graft's one loss read
        if not math.isfinite(value):
            raise SystemExit("bench-vs-pytorch: the PyTorch loss became %s" % value)
        return value

    def time(self, iterations):
        self.step()  # warm-up
        t0 = time.perf_counter()
        for _ in range(iterations):
            self.step()
        return (time.perf_counter() - t0) / iterations


# ------------------------------------------------------------------------------------------- numpy

def numpy_gemm(np, n, repeat):
    rng = np.random.default_rng(n)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    c = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=c)  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def blas_info():
    """The BLAS library numpy and PyTorch loaded, and OpenBLAS's own account of itself when it is OpenBLAS."""
    import ctypes
    libs = []
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1] if len(line.split()) >= 6 else ""
            name = os.path.basename(path)
            if ("blas" in name or "openblas" in path) and path not in libs:
                libs.append(path)
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
            core = lib.openblas_get_corename
            core.restype = ctypes.c_char_p
            config = lib.openblas_get_config
            config.restype = ctypes.c_char_p
            threads = lib.openblas_get_num_threads()
            return {"openblas": True, "path": path, "core": core().decode(), "config": config().decode().strip(),
                    "threads": threads}
        except (OSError, AttributeError):
            continue
    return {"openblas": False, "path": ", ".join(libs) or "none found"}


# ------------------------------------------------------------------------------------------- report

def median(values):
    return statistics.median(values) if values else float("nan")


def fmt(v, digits=1):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "-"
    return "%.*f" % (digits if abs(v) >= 1 or v == 0 else digits + 2, v)  # small nets: keep the figures readable


def machine_line():
    model = "unknown CPU"
    try:
        out = subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        nproc = str(cpu_count())
    load = ""
    try:
        load = ", load average at start %s" % " ".join(open("/proc/loadavg").read().split()[:3])
    except OSError:
        pass
    return "%s, nproc %s%s" % (model, nproc, load)


def git_commit():
    try:
        r = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        return r.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def main(argv):
    a = parse_args(argv)
    threads = cpu_count()
    coretype_note = configure_blas(threads)
    try:
        import numpy as np
        import torch
    except ImportError as e:
        fail("PyTorch and numpy from Debian are needed (%s). Install them with:\n  %s" % (e, INSTALL_HINT), 2)
    torch.set_num_threads(threads)
    if a.torch_device != "cpu":
        if not a.no_gemm:
            fail("--torch-device %s compares training only: add --no-gemm (the GEMM comparison is against the CPU's BLAS)"
                 % a.torch_device, 2)
        try:
            torch.zeros(1, device=a.torch_device)
        except (RuntimeError, AssertionError) as e:
            fail("PyTorch cannot use device '%s': %s" % (a.torch_device, e), 2)
    blas = blas_info()
    if not blas["openblas"] and not a.any_blas and a.torch_device == "cpu":
        fail("numpy and PyTorch are using %s, not OpenBLAS (Debian's reference BLAS is about 100x slower, so the comparison "
             "would be meaningless). Install OpenBLAS, which takes over libblas.so.3:\n  %s\n"
             "or pass --any-blas to run anyway." % (blas["path"], OPENBLAS_HINT), 2)
    jar = os.environ.get("GRAFT_JAR", os.path.join(ROOT, "target", "engine.jar"))
    if not os.path.isfile(jar):
        fail("%s does not exist; build it with tools/setup (or point GRAFT_JAR at a built engine.jar)" % jar, 2)
    models = [parse_model(m, a.batch) for m in a.models] if not a.no_train else []

    started = datetime.datetime.now(datetime.timezone.utc)
    command = "tools/bench-vs-pytorch " + " ".join(shlex.quote(x) for x in argv)
    device_line = None
    train_rows = []
    gemm_rows = []
    with tempfile.TemporaryDirectory(prefix="bench-vs-pytorch-") as work:
        graft = Graft(jar, a.graft_args, work)
        for path, batch, shape in models:
            label = os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path
            log("[%s] resolving the network with Graft (batch %s) ..." % (label, batch or "of the model"))
            first = graft.time(path, batch, shape, 1)
            device_line = device_line or "%s [backend %s]" % (first["device"], first["backend"])
            desc = first["network"]
            side = TorchSide(torch, desc, a.torch_device)
            real_batch = first["batch"]
            blobs = sum(len(L["tops"]) for L in desc["layers"] if L["type"] != "Accuracy")
            log("[%s] PyTorch network built: %d layers, %d blobs of the same shapes as Graft's, %d parameters"
                % (label, len(desc["layers"]), blobs, side.params))
            g_rounds, t_rounds = [], []
            flops = first["training_step"]["flops"]
            for r in range(a.rounds):
                g = graft.time(path, batch, shape, a.iterations)["training_step"]
                g_rounds.append(g["images_per_second"])
                log("[%s] round %d: Graft %.1f images/s" % (label, r + 1, g_rounds[-1]))
                sec = side.time(a.iterations)
                t_rounds.append(real_batch / sec)
                log("[%s] round %d: PyTorch %.1f images/s" % (label, r + 1, t_rounds[-1]))
            gm, tm = median(g_rounds), median(t_rounds)
            train_rows.append({
                "label": label, "name": first["model"], "batch": real_batch, "graft": gm, "torch": tm,
                "ratio": gm / tm if tm else float("nan"),
                "graft_gflops": flops * gm / real_batch / 1e9 if flops else float("nan"),
                "torch_gflops": flops * tm / real_batch / 1e9 if flops else float("nan"),
                "g_rounds": g_rounds, "t_rounds": t_rounds, "layers": len(desc["layers"]), "blobs": blobs,
                "params": side.params,
            })
            del side
        if not a.no_gemm:
            g_by_n = {n: [] for n in a.gemm_sizes}
            b_by_n = {n: [] for n in a.gemm_sizes}
            for r in range(a.rounds):
                log("[gemm] round %d: Graft %s ..." % (r + 1, ",".join(map(str, a.gemm_sizes))))
                d = graft.gemm(a.gemm_sizes, a.gemm_repeat)
                device_line = device_line or "%s [backend %s]" % (d["device"], d["backend"])
                for c in d["cases"]:
                    if c.get("n") in g_by_n and c["name"] == "gemm":
                        g_by_n[c["n"]].append(c["gflops"])
                log("[gemm] round %d: numpy ..." % (r + 1))
                for n in a.gemm_sizes:
                    b_by_n[n].append(2.0 * n ** 3 / numpy_gemm(np, n, a.gemm_repeat) / 1e9)
            for n in a.gemm_sizes:
                gm, bm = median(g_by_n[n]), median(b_by_n[n])
                gemm_rows.append({"n": n, "graft": gm, "blas": bm, "ratio": gm / bm if bm else float("nan"),
                                  "g_rounds": g_by_n[n], "b_rounds": b_by_n[n]})

    text = report(a, started, command, device_line, blas, coretype_note, np, torch, threads, train_rows, gemm_rows)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
        log("wrote " + os.path.abspath(a.out))
    return 0


def report(a, started, command, device_line, blas, coretype_note, np, torch, threads, train_rows, gemm_rows):
    rounds = lambda vs: ", ".join(fmt(v) for v in vs)
    lines = ["### Graft vs PyTorch and OpenBLAS — %s, commit %s" % (started.strftime("%a %d %b %Y %H:%M UTC"), git_commit()), ""]
    lines.append("- command: `%s` (%d alternating rounds per side, %d timed training steps per round)"
                 % (command, a.rounds, a.iterations))
    lines.append("- machine: %s" % machine_line())
    lines.append("- Graft device: %s" % (device_line or "-"))
    if a.torch_device != "cpu":
        name = torch.cuda.get_device_name() if a.torch_device.startswith("cuda") else a.torch_device
        lines.append("- PyTorch %s on %s (%s)" % (torch.__version__, a.torch_device, name))
    else:
        lines.append("- PyTorch %s (%d threads), numpy %s" % (torch.__version__, threads, np.__version__))
    if a.torch_device != "cpu":
        pass  # the GPU trains: which BLAS the CPU side loaded does not matter
    elif blas["openblas"]:
        lines.append("- BLAS of numpy and PyTorch: OpenBLAS `%s`, core type %s (OPENBLAS_CORETYPE: %s), %d threads"
                     % (blas["config"], blas["core"], coretype_note, blas["threads"]))
    else:
        lines.append("- BLAS of numpy and PyTorch: **not OpenBLAS** (%s; run with --any-blas): these PyTorch and "
                     "numpy figures are not a fair comparison" % blas["path"])
    if train_rows:
        lines += ["", "Training: one step = forward + backward + SGD momentum update (lr %g, momentum %g, weight decay %g), "
                      "the loss read back every step; random inputs of the same shapes; Graft: `time --step-only` "
                      "(no per-layer sync), one process per round; PyTorch: in this process, one warm-up step per round."
                  % (LEARNING_RATE, MOMENTUM, WEIGHT_DECAY), "",
                  "| model | batch | Graft images/s | PyTorch images/s | Graft / PyTorch | Graft GFLOP/s | PyTorch GFLOP/s "
                  "| Graft rounds | PyTorch rounds |",
                  "|---|---:|---:|---:|---:|---:|---:|---|---|"]
        for r in train_rows:
            lines.append("| %s (`%s`) | %d | %s | %s | **%s** | %s | %s | %s | %s |"
                         % (r["name"], r["label"], r["batch"], fmt(r["graft"]), fmt(r["torch"]), fmt(r["ratio"], 2),
                            fmt(r["graft_gflops"]), fmt(r["torch_gflops"]), rounds(r["g_rounds"]), rounds(r["t_rounds"])))
        lines += ["", "Same network: every blob PyTorch computed has the shape Graft reported ("
                  + "; ".join("%s: %d layers, %d blobs, %d parameters" % (r["name"], r["layers"], r["blobs"], r["params"])
                              for r in train_rows)
                  + "). GFLOP/s count the layers' work as Graft reports it (forward + backward), the same count for both sides. "
                    "Target of issue 6: Graft / PyTorch >= 0.5."]
    if gemm_rows:
        other = "OpenBLAS" if blas["openblas"] else "numpy"
        lines += ["", "GEMM: square float32 C = A·B, median of %d after a warm-up in each round; Graft: `bench --only gemm`, "
                      "one process per round; %s: numpy.matmul in this process." % (a.gemm_repeat, other), "",
                  "| n | Graft GFLOP/s | {0} GFLOP/s | Graft / {0} | Graft rounds | {0} rounds |".format(other),
                  "|---:|---:|---:|---:|---|---|"]
        for r in gemm_rows:
            lines.append("| %d | %s | %s | **%s** | %s | %s |" % (r["n"], fmt(r["graft"]), fmt(r["blas"]), fmt(r["ratio"], 2),
                                                                  rounds(r["g_rounds"]), rounds(r["b_rounds"])))
        lines += ["", "Target of issue 6: Graft / OpenBLAS >= 0.33 at n = 1024 and 2048."]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
