#!/usr/bin/python3
"""Side-by-side comparison of `bgmm segment --box` with OpenCV's grabCut (docs/segmentation.md).

Scenes: generated images with a known object mask in which one object colour is close to a background
colour (so colour alone cannot separate them). Both methods get the same rectangle (the object's
bounding box grown by a random margin); OpenCV runs 5 iterations from GC_INIT_WITH_RECT. The script
prints one markdown row per scene with both masks' IoU against the truth, then the means, and exits 1
when bgmm's mean IoU is below OpenCV's or bgmm is more than 0.05 below it on any scene.

    /usr/bin/python3 scripts/grabcut_compare.py --bgmm src/Bgmm.Cli/bin/Release/net10.0/bgmm
    /usr/bin/python3 scripts/grabcut_compare.py --bgmm ... --images ../shared/images --out /tmp/cutouts

With --images, it also cuts the four study images out with the boxes below and writes both methods'
cut-outs (RGBA PNG, background transparent) to --out for looking at. Needs python3-opencv (Debian),
which brings numpy; it is not a dependency of the tests.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

# x, y, w, h around each animal of the study's images (SPEC §5).
STUDY_BOXES = {
    "fox.png": (140, 100, 200, 340),
    "cow.png": (40, 80, 125, 90),
    "owl.png": (80, 42, 95, 70),
    "zebra.png": (20, 50, 530, 295),
}


def random_colour(rng):
    return rng.uniform(0.1, 0.9, 3)


def scene(seed, width=160, height=120):
    """A background of 2-3 tilted wavy bands, an object of 2 colours (body ellipse, head ellipse); the head's
    colour is 0.08-0.15 from one background colour, the body's at least 0.35 from every background colour."""
    rng = np.random.default_rng(seed)
    nb = int(rng.integers(2, 4))
    while True:
        bg = [random_colour(rng) for _ in range(nb)]
        if all(np.linalg.norm(a - b) >= 0.25 for i, a in enumerate(bg) for b in bg[i + 1:]):
            break
    while True:
        body = random_colour(rng)
        if all(np.linalg.norm(body - b) >= 0.35 for b in bg):
            break
    target = bg[int(rng.integers(nb))]
    while True:
        step = rng.normal(size=3)
        head = np.clip(target + step / np.linalg.norm(step) * rng.uniform(0.08, 0.15), 0, 1)
        if np.linalg.norm(head - body) >= 0.3:
            break
    yy, xx = np.mgrid[0:height, 0:width] + 0.5
    cuts = np.sort(rng.uniform(0.2, 0.8, nb - 1)) * height
    slope = rng.uniform(-0.3, 0.3)
    cls = np.zeros((height, width), int)
    for i, c in enumerate(cuts):
        boundary = c + slope * (xx - width / 2) + 3 * np.sin(xx / width * 6.283 * rng.uniform(1, 3) + rng.uniform(0, 6.283))
        cls[yy >= boundary] = i + 1
    img = np.array(bg)[cls]
    cx, cy = width * rng.uniform(0.35, 0.65), height * rng.uniform(0.35, 0.65)
    ry = height * rng.uniform(0.15, 0.25)
    rx = ry * rng.uniform(0.8, 1.6)
    inside = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1
    angle = rng.uniform(0, 6.283)
    hx, hy, hr = cx + 0.95 * rx * np.cos(angle), cy + 0.95 * ry * np.sin(angle), 0.6 * min(rx, ry)
    head_mask = (xx - hx) ** 2 + (yy - hy) ** 2 <= hr * hr
    img[inside] = body
    img[head_mask] = head
    truth = inside | head_mask
    sigma = rng.uniform(0.02, 0.05)
    img = np.clip(img + rng.normal(0, sigma, img.shape), 0, 1)
    rgb = (img * 255 + 0.5).astype(np.uint8)
    ys, xs = np.nonzero(truth)
    margin = int(rng.integers(4, 12))
    x0, y0 = max(0, xs.min() - margin), max(0, ys.min() - margin)
    x1, y1 = min(width - 1, xs.max() + margin), min(height - 1, ys.max() + margin)
    return rgb, truth, (int(x0), int(y0), int(x1 - x0 + 1), int(y1 - y0 + 1)), sigma, nb


def run_bgmm(bgmm, png, box, out):
    x, y, w, h = box
    subprocess.run([bgmm, "segment", png, "--box", f"{x},{y},{w},{h}", "-o", out, "-q"], check=True)
    return cv2.imread(os.path.join(out, "mask.png"), cv2.IMREAD_GRAYSCALE) > 127


def run_opencv(bgr, box):
    mask = np.zeros(bgr.shape[:2], np.uint8)
    bgd, fgd = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(bgr, mask, box, bgd, fgd, 5, cv2.GC_INIT_WITH_RECT)
    return (mask == cv2.GC_FGD) | (mask == cv2.GC_PR_FGD)


def iou(a, b):
    union = np.logical_or(a, b).sum()
    return 1.0 if union == 0 else np.logical_and(a, b).sum() / union


def cutout(bgr, mask):
    rgba = cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)
    rgba[..., 3] = np.where(mask, 255, 0).astype(np.uint8)
    return rgba


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bgmm", default="bgmm", help="the bgmm executable")
    parser.add_argument("--scenes", type=int, default=12)
    parser.add_argument("--images", help="folder of the study's images (fox.png, cow.png, owl.png, zebra.png)")
    parser.add_argument("--out", help="where to write the study images' cut-outs")
    args = parser.parse_args()

    ours, theirs = [], []
    print("| scene | background colours | noise σ | box (x,y,w,h) | IoU bgmm --box | IoU OpenCV grabCut |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.scenes):
            rgb, truth, box, sigma, nb = scene(seed)
            png = os.path.join(tmp, f"scene{seed}.png")
            bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
            cv2.imwrite(png, bgr)
            a = iou(run_bgmm(args.bgmm, png, box, os.path.join(tmp, f"out{seed}")), truth)
            b = iou(run_opencv(bgr, box), truth)
            ours.append(a)
            theirs.append(b)
            print(f"| {seed} | {nb} | {sigma:.3f} | {','.join(map(str, box))} | {a:.3f} | {b:.3f} |")
    print(f"| mean | | | | {np.mean(ours):.3f} | {np.mean(theirs):.3f} |")
    worst = min(x - y for x, y in zip(ours, theirs))
    print(f"\nbgmm − OpenCV: mean {np.mean(ours) - np.mean(theirs):+.3f}, worst scene {worst:+.3f}")
    ok = np.mean(ours) >= np.mean(theirs) and worst >= -0.05

    if args.images:
        out = args.out or "."
        os.makedirs(out, exist_ok=True)
        print("\n| image | box | foreground share bgmm | foreground share OpenCV | IoU between them |")
        print("|---|---|---|---|---|")
        for name, box in STUDY_BOXES.items():
            path = os.path.join(args.images, name)
            if not os.path.exists(path):
                print(f"| {name} | missing | | | |")
                continue
            bgr = cv2.imread(path, cv2.IMREAD_COLOR)
            stem = os.path.splitext(name)[0]
            a = run_bgmm(args.bgmm, path, box, os.path.join(out, stem + "-bgmm"))
            b = run_opencv(bgr, box)
            cv2.imwrite(os.path.join(out, stem + "-opencv-cutout.png"), cutout(bgr, b))
            print(f"| {name} | {','.join(map(str, box))} | {a.mean():.3f} | {b.mean():.3f} | {iou(a, b):.3f} |")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
