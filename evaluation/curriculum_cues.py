"""Curriculum tagger: error analysis and cue-lexicon / decoding variants by 5-fold CV on train + dev.

Session curric5 (2026-12-07). Test and blind are never read. Same records and folds as
``theme_cv.py --target curriculum`` and ``curriculum_variants.py`` (every train + dev record with
curriculum gold, ``KFold(5, shuffle=True, random_state=0)``). Out-of-fold scores of:

- the shipped words model (``ThemeTagger`` over the curriculum codebook: C 2, balanced, word +
  character TF-IDF, seed weight 0.15);
- the same logistic regression with the cue-lexicon counts (``data/curriculum_cues.yaml``,
  ``curriculum.cue_counts``: log(1 + count) per theme, × α) appended to the TF-IDF features;
- the shipped model with the seed score replaced by a cue score (share of 3 distinct cues found);
- the shipped model with the dev records (labelled by the first annotator, who also labelled test)
  weighted 3 in training.

Decodings: top theme + 2nd/3rd at ≥ threshold, optionally also ≥ ratio × the top score (a
per-narrative relative threshold), or a fixed number of tags. Micro-F1 over all records, the
project's narratives (ids n…), the dev narratives and the register records; tags per narrative; a
paired bootstrap over records of the difference to the shipped decoding (1,000 resamples). First
an error analysis of the shipped model: per-theme precision/recall/F1 and tag counts against the
gold, out of fold.

    .venv/bin/python evaluation/curriculum_cues.py [--cache DIR] [--save OOF.npz] [--quick]

(≈ 35 min on the shared 2-core machine at load 8.) ``--save``: the out-of-fold score matrices, the
gold and the record masks as plain arrays (``np.load(..., allow_pickle=False)``), so that later
decodings need no retraining; keep the file in /tmp, never in the repository. ``--quick``: only the
shipped model and its plain probabilities (and the cue-score variants built on them).
``--nested OOF.npz``: per-theme cue weights and a threshold chosen nested on the saved scores.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "evaluation"))


def micro(Y, P) -> float:
    return float(2 * (Y & P).sum() / max(1, Y.sum() + P.sum()))


def decode(S, th, ratio=0.0, k=None):
    """Top theme always; the 2nd and 3rd when ≥ ``th`` and ≥ ``ratio`` × top; or exactly ``k`` tags."""
    out = np.zeros(S.shape, dtype=bool)
    for i, row in enumerate(S):
        o = np.argsort(-row, kind="stable")
        out[i, o[0]] = True
        for j in o[1:3]:
            if k is not None:
                out[i, j] = list(o).index(j) < k
            elif row[j] >= th and row[j] >= ratio * row[o[0]]:
                out[i, j] = True
    return out


def per_theme(Y, P, ids) -> list[str]:
    lines = []
    for j, cid in enumerate(ids):
        tp, fp, fn = int((Y[:, j] & P[:, j]).sum()), int((~Y[:, j] & P[:, j]).sum()), int((Y[:, j] & ~P[:, j]).sum())
        p = tp / max(1, tp + fp)
        r = tp / max(1, tp + fn)
        f = 2 * p * r / max(1e-9, p + r)
        lines.append(f"  {cid:14s} gold {int(Y[:, j].sum()):4d}  tagged {int(P[:, j].sum()):4d}  "
                     f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    return lines


def main() -> int:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    import theme_cv as T
    from curriculum_variants import cache_dir
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.themes.curriculum import cue_counts, curriculum_codebook
    from narrativ_nlp.themes.tagger import ThemeTagger, make_features

    records = [r for p in T.TRAIN for r in read_corpus(p) if r.themes]
    lemmas = T.lemmas_of(records, "after", cache_dir())
    labels = [T.curriculum_of(r) for r in records]
    idx = np.array([i for i, c in enumerate(labels) if c is not None])
    cb = curriculum_codebook()
    ids = cb.ids
    Y = np.array([[c in labels[i] for c in ids] for i in idx])
    isn = np.array([records[i].id.startswith("n") for i in idx])
    dev_ids = {r.id for r in read_corpus(T.TRAIN[1])}
    isdev = np.array([records[i].id in dev_ids for i in idx])
    L = [lemmas[i] for i in idx]
    seed = ThemeTagger(cb)._seed_scores(L)[0]
    counts, found = cue_counts(L)
    K = np.log1p(counts)
    cue_share = np.minimum(1.0, np.array([[len(w) for w in row] for row in found]) / 3)
    print(f"records {len(idx)}, narratives {int(isn.sum())}, dev {int(isdev.sum())} "
          f"(dev narratives {int((isdev & isn).sum())}), register {int((~isn).sum())}")
    print(f"narratives with ≥ 1 cue word: {float((counts.sum(1) > 0).mean()):.3f}; "
          f"cue words per record {counts.sum(1).mean():.1f}")

    quick = "--quick" in sys.argv[1:]  # only the shipped model and its plain probabilities (for --save)
    oof = {name: np.zeros(Y.shape) for name in
           (("shipped", "lr") if quick else ("shipped", "cues α 0.3", "cues α 1", "cues α 3", "dev weight 3", "lr"))}
    for tr, te in KFold(5, shuffle=True, random_state=0).split(idx):
        tl, el = [L[i] for i in tr], [L[i] for i in te]
        tagger = ThemeTagger(cb).fit(tl, [labels[idx[i]] for i in tr])
        oof["shipped"][te] = tagger.scores(el)[0]
        F = make_features((2, 5)).fit(tl)
        Xtr, Xte = F.transform(tl).tocsr(), F.transform(el).tocsr()
        for j in range(6):
            m = LogisticRegression(C=2, class_weight="balanced", max_iter=3000, random_state=0).fit(Xtr, Y[tr, j])
            oof["lr"][te, j] = m.predict_proba(Xte)[:, 1]
            if quick:
                continue
            m = LogisticRegression(C=2, class_weight="balanced", max_iter=3000, random_state=0)
            m.fit(Xtr, Y[tr, j], sample_weight=np.where(isdev[tr], 3.0, 1.0))
            oof["dev weight 3"][te, j] = 0.85 * m.predict_proba(Xte)[:, 1] + 0.15 * seed[te, j]
        for a in (() if quick else (0.3, 1.0, 3.0)):
            A = sp.hstack([Xtr, sp.csr_matrix(a * K[tr])]).tocsr()
            B = sp.hstack([Xte, sp.csr_matrix(a * K[te])]).tocsr()
            name = f"cues α {a:g}"
            for j in range(6):
                m = LogisticRegression(C=2, class_weight="balanced", max_iter=3000, random_state=0).fit(A, Y[tr, j])
                oof[name][te, j] = 0.85 * m.predict_proba(B)[:, 1] + 0.15 * seed[te, j]
        print("fold done", flush=True)
    lr = oof.pop("lr")
    for w in (0.15, 0.3):
        oof[f"seed score → cue score, weight {w}"] = (1 - w) * lr + w * cue_share
    oof["seed + cue score, 0.15 each"] = 0.7 * lr + 0.15 * seed + 0.15 * cue_share

    if "--save" in sys.argv[1:]:
        out = Path(sys.argv[sys.argv.index("--save") + 1])
        np.savez(out, Y=Y, narratives=isn, dev=isdev, seed=seed, cue_share=cue_share, cue_log_counts=K,
                 **{k.replace(" ", "_"): v for k, v in oof.items()})
    shipped = decode(oof["shipped"], 0.4)
    print("\nError analysis, shipped model out of fold (threshold 0.40):")
    for name, keep in (("project narratives", isn), ("dev (first annotator)", isdev), ("register", ~isn)):
        print(f" {name}: micro-F1 {micro(Y[keep], shipped[keep]):.4f}; tags per record gold "
              f"{Y[keep].sum(1).mean():.2f}, model {shipped[keep].sum(1).mean():.2f}")
        for line in per_theme(Y[keep], shipped[keep], ids):
            print(line)
    for name, keep in (("narratives", isn), ("dev", isdev)):
        g, p = Y[keep].sum(1), shipped[keep].sum(1)
        tab = {(a, b): int(((g == a) & (p == b)).sum()) for a in range(4) for b in range(1, 4)}
        print(f" {name}: gold tags × model tags " + ", ".join(f"{a}×{b}: {n}" for (a, b), n in tab.items() if n))
        top_ok = float(np.mean([Y[keep][i, np.argmax(oof["shipped"][keep][i])] for i in range(int(keep.sum()))]))
        print(f" {name}: the top-scored theme is in the gold for {top_ok:.3f} of the records")

    rng = np.random.default_rng(0)
    boot = [rng.integers(0, len(Y), len(Y)) for _ in range(1000)]
    rows = []
    for name, S in oof.items():
        for th in (0.35, 0.4, 0.45, 0.5):
            for ratio in (0.0, 0.5, 0.7):
                rows.append((f"{name}, threshold {th}, ratio {ratio}", decode(S, th, ratio)))
        for k in (1, 2):
            rows.append((f"{name}, exactly {k} tag(s)", decode(S, 0, k=k)))
    rows.sort(key=lambda r: -micro(Y, r[1]))
    print("\nVariants (micro-F1 all / narratives / dev / register, tags per narrative; vs shipped, paired 95 %):")
    for n, (text, D) in enumerate(rows):
        diff = ""
        if n < 12 or text.startswith("shipped, threshold 0.4, ratio 0.0"):
            d = [micro(Y[b], D[b]) - micro(Y[b], shipped[b]) for b in boot]
            diff = f"  {micro(Y, D) - micro(Y, shipped):+.4f} ({np.percentile(d, 2.5):+.4f} to {np.percentile(d, 97.5):+.4f})"
        print(f"{micro(Y, D):.4f}  {micro(Y[isn], D[isn]):.4f}  {micro(Y[isdev], D[isdev]):.4f}  "
              f"{micro(Y[~isn], D[~isn]):.4f}  {D[isn].sum(1).mean():.2f}  {text}{diff}", flush=True)
    return 0


def nested(path: Path) -> int:
    """``--nested OOF.npz`` (from ``--save``): a cue weight per læreplanstema and a threshold, chosen on
    four folds of the out-of-fold scores (coordinate ascent, two passes) and applied to the fifth.

    Score of theme j: shipped score + β_j · cue share_j, β_j ∈ {0, 0.05, 0.1, 0.2, 0.3}; threshold
    0.40 / 0.45 / 0.50. Paired bootstrap over records against the shipped decoding.
    """
    from sklearn.model_selection import KFold

    d = np.load(path, allow_pickle=False)
    Y, isn, isdev, base, cue = d["Y"], d["narratives"], d["dev"], d["shipped"], d["cue_share"]
    grid, ths = (0.0, 0.05, 0.1, 0.2, 0.3), (0.4, 0.45, 0.5)
    P = np.zeros(Y.shape, dtype=bool)
    chosen = []
    for tr, te in KFold(5, shuffle=True, random_state=3).split(Y):
        beta, th = np.zeros(6), 0.4
        for _ in range(2):
            for j in range(6):
                best = max(((g, t) for g in grid for t in ths), key=lambda gt: micro(
                    Y[tr], decode(base[tr] + np.where(np.arange(6) == j, gt[0], beta) * cue[tr], gt[1])))
                beta[j], th = best
        chosen.append((beta.tolist(), th))
        P[te] = decode(base[te] + beta * cue[te], th)
    shipped = decode(base, 0.4)
    rng = np.random.default_rng(0)
    diffs = [micro(Y[b], P[b]) - micro(Y[b], shipped[b]) for b in (rng.integers(0, len(Y), len(Y)) for _ in range(1000))]
    for beta, th in chosen:
        print(f"fold: β {dict(zip(['personal', 'social', 'communication', 'body', 'nature', 'culture'], beta))}, threshold {th}")
    for name, D in (("shipped, threshold 0.40", shipped), ("per-theme cue weights (nested)", P)):
        print(f"{micro(Y, D):.4f}  narratives {micro(Y[isn], D[isn]):.4f}  dev {micro(Y[isdev], D[isdev]):.4f}  "
              f"register {micro(Y[~isn], D[~isn]):.4f}  tags/narrative {D[isn].sum(1).mean():.2f}  {name}")
    print(f"difference {micro(Y, P) - micro(Y, shipped):+.4f} ({np.percentile(diffs, 2.5):+.4f} to "
          f"{np.percentile(diffs, 97.5):+.4f})")
    return 0


if __name__ == "__main__":
    if "--nested" in sys.argv[1:]:
        raise SystemExit(nested(Path(sys.argv[sys.argv.index("--nested") + 1])))
    raise SystemExit(main())
