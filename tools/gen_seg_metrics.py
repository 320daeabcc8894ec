#!/usr/bin/env python3
"""Fixtures for test/segment/metrics.test.ts: pixel metrics from scikit-learn, ISBI 2012 scores from numpy/scipy.

Border weight maps: scipy.ndimage.distance_transform_edt per object, the two smallest distances.

Run with the system Python (python3-sklearn, python3-scipy):
    /usr/bin/python3 tools/gen_seg_metrics.py > test/segment/fixtures/seg-metrics.json

Pixel cases: random scores (some rounded to force ties) and labels; metrics at threshold 0.5 with
y_pred = scores >= 0.5. ISBI cases: random cell maps with 1-pixel boundaries (ground truth) and noisy
boundary probabilities (proposal); segments are 4-connected components (scipy.ndimage.label's default
cross structure) of non-boundary pixels, counted inside the ground truth's cells only, with proposal
boundary pixels there as single-pixel segments.
"""
import json
import numpy as np
from scipy import ndimage
from sklearn import metrics

rng = np.random.default_rng(15)


def pixel_case(n, pos_rate, decimals, shift):
    labels = (rng.random(n) < pos_rate).astype(np.uint8)
    scores = np.clip(rng.random(n) * 0.8 + shift * labels + rng.normal(0, 0.1, n), 0, 1).astype(np.float32)
    if decimals is not None:
        scores = np.round(scores, decimals).astype(np.float32)
    s = scores.astype(np.float64)
    pred = (s >= 0.5).astype(np.uint8)
    precision, recall, _ = metrics.precision_recall_curve(labels, s)
    tn, fp, fn, tp = metrics.confusion_matrix(labels, pred, labels=[0, 1]).ravel()
    return {
        'scores': [float(v) for v in scores], 'labels': labels.tolist(), 'threshold': 0.5,
        'rocAuc': metrics.roc_auc_score(labels, s),
        'averagePrecision': metrics.average_precision_score(labels, s),
        'prAuc': metrics.auc(recall, precision),
        'accuracy': metrics.accuracy_score(labels, pred),
        'sensitivity': metrics.recall_score(labels, pred),
        'specificity': tn / (tn + fp),
        'precision': metrics.precision_score(labels, pred, zero_division=0),
        'f1': metrics.f1_score(labels, pred),
        'iou': metrics.jaccard_score(labels, pred),
        'tp': int(tp), 'fp': int(fp), 'tn': int(tn), 'fn': int(fn),
    }


def cells(h, w, k):
    """A boundary mask (1 = boundary) of k Voronoi cells with 1-pixel-wide borders."""
    pts = rng.random((k, 2)) * [h, w]
    yy, xx = np.mgrid[0:h, 0:w]
    d = (yy[..., None] - pts[:, 0]) ** 2 + (xx[..., None] - pts[:, 1]) ** 2
    lab = d.argmin(-1)
    b = np.zeros((h, w), np.uint8)
    b[:-1, :] |= (lab[:-1, :] != lab[1:, :])
    b[:, :-1] |= (lab[:, :-1] != lab[:, 1:])
    return b


def isbi_scores(boundary, prob, threshold):
    truth, _ = ndimage.label(boundary == 0)
    proposal, _ = ndimage.label(prob < threshold)
    fg = truth > 0
    t = truth[fg]
    p = proposal[fg]
    n = t.size
    singles = int((p == 0).sum())
    keep = p > 0
    joint = {}
    for a, b in zip(p[keep], t[keep]):
        joint[(a, b)] = joint.get((a, b), 0) + 1
    nij = np.array(list(joint.values()), np.float64)
    s = np.bincount(p[keep]).astype(np.float64)
    s = s[s > 0]
    tt = np.bincount(t).astype(np.float64)
    tt = tt[tt > 0]
    sum_p = (nij ** 2).sum() + singles
    sum_s = (s ** 2).sum() + singles
    sum_t = (tt ** 2).sum()

    def H(c):
        q = c / n
        return float(-(q * np.log(q)).sum())

    single_h = singles * np.log(n) / n
    hs = H(s) + single_h
    ht = H(tt)
    hst = H(nij) + single_h
    info = hs + ht - hst
    return {
        'vRand': 2 * sum_p / (sum_s + sum_t), 'vRandSplit': sum_p / sum_t, 'vRandMerge': sum_p / sum_s,
        'vInfo': 2 * info / (hs + ht), 'vInfoSplit': info / hs, 'vInfoMerge': info / ht,
    }


def isbi_case(h, w, k, noise):
    b = cells(h, w, k)
    prob = np.clip(b * 0.8 + rng.normal(0.1, noise, (h, w)), 0, 1).astype(np.float32)
    # a few spurious cuts and gaps, so splits and merges both occur
    for _ in range(3):
        y, x = rng.integers(0, h), rng.integers(0, w)
        prob[y, max(0, x - 4):x + 4] = 0.9
        y, x = rng.integers(0, h), rng.integers(0, w)
        prob[max(0, y - 3):y + 3, max(0, x - 3):x + 3] = 0.05
    out = isbi_scores(b, prob.astype(np.float64), 0.5)
    out.update({'height': h, 'width': w, 'boundary': b.ravel().tolist(), 'prob': [float(v) for v in prob.ravel()], 'threshold': 0.5})
    return out


def weight_case(h, w, k, w0, sigma):
    b = cells(h, w, k)
    lab, count = ndimage.label(b == 0)
    n = b.size
    nb = int(b.sum())
    wc = np.where(b == 1, n / (2 * nb), n / (2 * (n - nb)))
    dists = np.stack([ndimage.distance_transform_edt(lab != i) for i in range(1, count + 1)])
    dists.sort(axis=0)
    border = w0 * np.exp(-((dists[0] + dists[1]) ** 2) / (2 * sigma ** 2))
    weight = wc + np.where(b == 1, border, 0)
    return {'height': h, 'width': w, 'w0': w0, 'sigma': sigma, 'boundary': b.ravel().tolist(), 'weight': weight.ravel().tolist()}


fixture = {
    'generator': 'tools/gen_seg_metrics.py (seed 15), scikit-learn ' + __import__('sklearn').__version__,
    'pixel': [pixel_case(200, 0.3, None, 0.3), pixel_case(500, 0.1, 1, 0.4), pixel_case(300, 0.5, 2, 0.2), pixel_case(64, 0.2, None, 0.6)],
    'weights': [weight_case(30, 40, 6, 10, 5), weight_case(24, 24, 10, 5, 2)],
    'isbi': [isbi_case(40, 40, 8, 0.15), isbi_case(48, 32, 12, 0.25), isbi_case(32, 32, 5, 0.05)],
}
print(json.dumps(fixture))
