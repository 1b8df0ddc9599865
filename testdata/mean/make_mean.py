#!/usr/bin/python3
"""Writes testdata/mean: 7 small RGB PNG images (6x5 pixels, seeded random values), an image list
list.txt ("path label"), and the NumPy reference means that ConvertAndMeanTest compares Graft's `mean` with:

    mean_all.npy      float32 3x6x5 (C x H x W, planes B, G, R as Caffe stores them): mean of every image
    mean_class1.npy   the same over the images of label 1 only

The mean is NumPy's float64 mean of the uint8 pixels, rounded once to float32. PNG files are written with
zlib alone (no imaging library needed). Run: /usr/bin/python3 testdata/mean/make_mean.py
"""
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
H, W = 6, 5
LABELS = [0, 1, 1, 2, 0, 1, 2]


def png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))  # filter type 0 per row

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main():
    rng = np.random.default_rng(17)
    images = []
    lines = []
    for i, label in enumerate(LABELS):
        rgb = rng.integers(0, 256, size=(H, W, 3), dtype=np.uint8)
        name = "img%d.png" % i
        png(os.path.join(HERE, name), rgb)
        images.append(rgb[:, :, ::-1].transpose(2, 0, 1))  # B, G, R planes
        lines.append("%s %d\n" % (name, label))
    with open(os.path.join(HERE, "list.txt"), "w") as f:
        f.writelines(lines)
    stack = np.stack(images)
    np.save(os.path.join(HERE, "mean_all.npy"), stack.mean(axis=0, dtype=np.float64).astype(np.float32))
    ones = np.stack([im for im, l in zip(images, LABELS) if l == 1])
    np.save(os.path.join(HERE, "mean_class1.npy"), ones.mean(axis=0, dtype=np.float64).astype(np.float32))


if __name__ == "__main__":
    main()
