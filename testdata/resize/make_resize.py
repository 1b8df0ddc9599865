#!/usr/bin/python3
"""Writes testdata/resize: random 8-bit images (colour and grey, odd sizes) as PNG and what OpenCV's
cv2.resize(..., interpolation=cv2.INTER_LINEAR) makes of them, for BilinearTest. cases.txt lists
"index height width channels" (the target size); expected<i>.npy is float32 C x H x W (B, G, R planes).
Uses Debian's python3-opencv (4.6.0) and python3-numpy. Run: /usr/bin/python3 testdata/resize/make_resize.py
"""
import os

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    rng = np.random.default_rng(17)
    cases = [(3, 13, 17, 6, 8), (1, 13, 17, 6, 8), (3, 12, 16, 6, 8), (3, 5, 7, 11, 9), (1, 5, 3, 2, 7),
             (3, 40, 30, 32, 32), (1, 33, 37, 32, 32), (3, 20, 20, 7, 7), (3, 1, 9, 4, 3), (1, 30, 1, 7, 5),
             (3, 37, 50, 29, 23), (1, 9, 9, 18, 18)]
    lines = []
    for i, (cn, h, w, dh, dw) in enumerate(cases):
        img = rng.integers(0, 256, size=(h, w, cn) if cn == 3 else (h, w), dtype=np.uint8)
        cv2.imwrite(os.path.join(HERE, "source%d.png" % i), img)
        out = cv2.resize(img, (dw, dh), interpolation=cv2.INTER_LINEAR)
        if cn == 1:
            out = out[:, :, None]
        np.save(os.path.join(HERE, "expected%d.npy" % i), np.ascontiguousarray(out.transpose(2, 0, 1).astype(np.float32)))
        lines.append("%d %d %d %d\n" % (i, dh, dw, cn))
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.writelines(lines)


if __name__ == "__main__":
    main()
