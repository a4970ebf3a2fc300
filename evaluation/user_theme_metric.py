"""Session themes5 (2026-12-07): a generic metric for the topic space, learned once on the codebook
themes — within-theme whitening (issue #17 item 3).

The topic space (50 SVD directions) is unsupervised: directions along which narratives of *one*
theme vary (style, length, register, the child's age) count as much as the directions that separate
situations. The within-theme scatter ``S_w`` of the codebook themes (each narrative under its first
theme among the nine others; the evaluated theme's label is never used) gives a metric
``M = (S_w / tr(S_w)·k + λ I)^(−p)`` that shrinks those directions; the user theme's topic
similarity (and its margin against the nine centroids, recomputed in the new metric) is measured
after ``L → normalize(L M)``. Generic: learned once, no retraining for a leader's theme. The rest is
the shipped scorer. Protocol of ``user_theme_prf.py`` (examples from the newer training narratives
scored on the 149 older ones, examples from all training narratives scored on dev; 5 draws; paired
bootstrap against the shipped scorer). Test is not read.

    .venv/bin/python evaluation/user_theme_metric.py --cache LEMMAS.json
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evaluation"))
sys.path.insert(0, str(ROOT))

import user_theme_prf as P  # noqa: E402

OLD = ("n1", "n2", "n3", "n4", "n5")


def metric(Lpool, recs, exclude, lam=0.3, power=0.5, ids=None):
    """M (k × k) from the within-theme scatter of ``Lpool`` (first theme ≠ ``exclude``)."""
    first = [next((t for t in r.themes if t != exclude), None) for r in recs]
    keep = [i for i, f in enumerate(first) if f is not None]
    X = Lpool[keep]
    lab = np.array([first[i] for i in keep])
    Sw = np.zeros((X.shape[1], X.shape[1]))
    for t in set(lab):
        D = X[lab == t] - X[lab == t].mean(0)
        Sw += D.T @ D
    Sw /= len(X)
    Sw = Sw / np.trace(Sw) * X.shape[1]
    w, V = np.linalg.eigh(Sw + lam * np.eye(X.shape[1]))
    return V @ np.diag(w ** -power) @ V.T


def main(argv=None):
    from sklearn.preprocessing import normalize

    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None)
    args = ap.parse_args(argv)
    setups, features, space, train = P.build_setups(args.cache)
    pools = {"train-older": [r for r in train if r.id[:2] not in OLD], "dev": list(train)}
    proj = {r.id: space.reference[i] for i, r in enumerate(train)}
    base = {S.name: P.evaluate(S, lambda q, S=S: P.shipped(S, q) >= 0.5) for S in setups}

    def scorer(S, recs, Lpool, Ms):
        def fn(q):
            M = Ms[q["tid"]]
            L2 = normalize(S.L @ M)
            cw, ct = P.centroids(q)
            ct2 = normalize(normalize(q["Xt"] @ M).sum(0, keepdims=True))
            P2 = normalize(Lpool @ M)
            C2 = normalize(np.vstack([P2[[c in r.themes for r in recs]].mean(0) for c in space.centroid_ids
                                      if c != q["tid"]]))
            s = L2 @ ct2.ravel()
            C2 = C2[(C2 @ ct2.ravel()) < 0.7]
            if len(C2):
                s = s - 0.6 * (L2 @ C2.T).max(axis=1)
            sim = np.asarray(S.V @ cw.T).ravel()
            return P.z(0.3 * P.z(sim) + 0.7 * P.z(s)) >= 0.5
        return fn

    for lam in (0.1, 0.3, 1.0):
        for power in (0.25, 0.5):
            row = {}
            for S in setups:
                recs = pools[S.name]
                Lpool = np.vstack([proj[r.id] for r in recs])
                Ms = {t.id: metric(Lpool, recs, t.id, lam, power) for t in S.themes}
                Pm = P.evaluate(S, scorer(S, recs, Lpool, Ms))
                m, per = P.mean_f1(S, Pm)
                m0, _ = P.mean_f1(S, base[S.name])
                row[S.name] = {"shipped": round(m0, 3), "metric": round(m, 3),
                               "ci": np.round(P.paired(S, Pm, base[S.name], B=500), 3).tolist(),
                               "per": {t.id: round(x, 3) for t, x in zip(S.themes, per)}}
            print(json.dumps({"lambda": lam, "power": power, **row}), flush=True)


if __name__ == "__main__":
    main()
