"""Cross-validated theme (or curriculum) tagging, the protocol of models/themes/README.md.

5-fold cross-validation over the 185 older train + dev narratives (ids n1…–n5…, the style of the
test split) × 3 shuffles; each fold's model is trained on the other four folds plus all newer
training narratives (n6…–n9…, and any register-diverse records given with ``--extra``) and scored on
the held-out fold; micro/macro F1 per shuffle (pooled over the five folds). Test and blind files are
never read.

``--lemmas before`` rebuilds the features with the unchanged lookup table of spacy-lookups-data
(no exceptions, no fall-backs), to measure what ``data/lemma_exceptions.yaml`` did.
``--target curriculum`` scores the læreplanstemaer instead (records without the field are left out
of training and scoring; see ``narrativ_nlp/themes/curriculum.py``).

    .venv/bin/python evaluation/theme_cv.py --lemmas after
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRAIN = [ROOT / "corpora/narratives.train.jsonl", ROOT / "corpora/narratives.dev.jsonl"]
OLDER = ("n1", "n2", "n3", "n4", "n5")


def lemmas_of(records, which: str, cache_dir: Path | None = None) -> list[str]:
    """Content lemmas of the records' texts, with the project's lemmas (after) or the raw table (before)."""
    import hashlib

    key = hashlib.sha1((which + "\n".join(r.id + r.text for r in records)).encode()).hexdigest()[:16]
    path = (cache_dir / f"lemmas-{which}-{key}.json") if cache_dir else None
    if path is not None and path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    from narrativ_nlp.themes import features

    if which == "before":
        from spacy.lookups import load_lookups

        raw = load_lookups("da", ["lemma_lookup"]).get_table("lemma_lookup")

        def raw_lemma(word: str, table=None) -> str:
            found = raw.get(word, None)
            found = found[0] if isinstance(found, list) else found
            return (found or word).lower()

        features.lookup_lemma = raw_lemma  # the features' and the seeds' lemmas, as before
        features.word_lemma.cache_clear()
    out = features.texts_to_lemmas([r.text for r in records])
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def cv_scores(lemmas: list[str], labels: list[list[str]], older: np.ndarray, make_tagger, ids: list[str],
              shuffles: int = 3, folds: int = 5, predict=None) -> dict:
    """Micro/macro F1 per shuffle over the older records' held-out folds.

    ``make_tagger()`` gives an unfitted tagger with ``fit(lemmas, labels)`` and ``tag(lemmas)``;
    ``predict(tagger, idx)`` may replace ``tagger.tag`` (indices into ``lemmas``).
    """
    from sklearn.model_selection import KFold

    from narrativ_nlp.evaluation.scoring import score_themes

    old_idx = np.where(older)[0]
    new_idx = np.where(~older)[0]
    micro, macro = [], []
    for s in range(shuffles):
        pred: dict[int, list[str]] = {}
        for tr, te in KFold(folds, shuffle=True, random_state=s).split(old_idx):
            train = np.concatenate([old_idx[tr], new_idx])
            tagger = make_tagger().fit([lemmas[i] for i in train], [labels[i] for i in train])
            test = old_idx[te]
            tags = predict(tagger, test) if predict else tagger.tag([lemmas[i] for i in test])
            for i, t in zip(test, tags):
                pred[int(i)] = [x.theme for x in t]
        order = sorted(pred)
        sc = score_themes([labels[i] for i in order], [pred[i] for i in order], ids)
        micro.append(sc["micro_f1"])
        macro.append(sc["macro_f1"])
    return {"micro_f1": round(float(np.mean(micro)), 4), "macro_f1": round(float(np.mean(macro)), 4),
            "micro_per_shuffle": micro}


def curriculum_of(rec) -> list[str] | None:
    cur = getattr(rec, "curriculum", None)
    return cur if cur is not None else (rec.extra or {}).get("curriculum")


def curriculum_cv(records, lemmas: list[str], folds: int = 5, shuffles: int = 1,
                  map_weights=(0.0, 0.3, 0.5, 0.7, 0.85, 1.0), thresholds=(0.3, 0.35, 0.4, 0.45, 0.5)) -> list[dict]:
    """Curriculum tagging by k-fold CV over every record with curriculum gold (narratives and register data).

    Each fold trains the words model and a situation tagger on the other folds and learns the mapping
    from their labels; every blend (map weight × threshold, and the prior mapping unlearned) is
    scored on the held-out fold. Scores overall, on the narratives (ids n…) and on the register
    data (the rest).
    """
    from dataclasses import replace

    from sklearn.model_selection import KFold

    from narrativ_nlp.evaluation.scoring import score_themes
    from narrativ_nlp.themes.curriculum import CurriculumTagger, curriculum_codebook, prior_mapping

    ids = curriculum_codebook().ids
    labels = [curriculum_of(r) for r in records]
    idx = np.array([i for i, c in enumerate(labels) if c is not None])
    configs = [(m, mw, th) for m in ("learned", "prior") for mw in map_weights for th in thresholds
               if not (m == "prior" and mw == 0.0)]
    preds: dict = {c: {} for c in configs}
    for s in range(shuffles):
        for tr, te in KFold(folds, shuffle=True, random_state=s).split(idx):
            train, test = idx[tr], idx[te]
            tagger = CurriculumTagger.from_prior().fit([lemmas[i] for i in train], [labels[i] for i in train],
                                                       situation_labels=[records[i].themes for i in train],
                                                       fit_situation=True)
            test_lemmas = [lemmas[i] for i in test]
            parts = {"learned": tagger.parts(test_lemmas)}
            prior, _ = prior_mapping(tagger.situation_ids, ids)
            parts["prior"] = replace(tagger, mapping=prior).parts(test_lemmas)
            for c in configs:
                t = replace(tagger, map_weight=c[1], threshold=c[2])
                for i, tags in zip(test, t.decode(*t.combine(parts[c[0]]))):
                    preds[c][(s, int(i))] = [x.theme for x in tags]
    out = []
    for c in configs:
        row = {"mapping": c[0], "map_weight": c[1], "threshold": c[2]}
        for name, keep in (("all", lambda r: True), ("narratives", lambda r: r.id.startswith("n")),
                           ("register", lambda r: not r.id.startswith("n"))):
            keys = [k for k in sorted(preds[c]) if keep(records[k[1]])]
            if keys:
                sc = score_themes([labels[k[1]] for k in keys], [preds[c][k] for k in keys], ids)
                row[f"{name}_micro"], row[f"{name}_macro"] = sc["micro_f1"], sc["macro_f1"]
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> int:
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.themes.codebook import ThemeCodebook
    from narrativ_nlp.themes.tagger import ThemeTagger

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lemmas", choices=["before", "after"], default="after")
    ap.add_argument("--extra", nargs="*", type=Path, default=[], help="more training-only corpus files")
    ap.add_argument("--shuffles", type=int, default=3)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/narrativ-theme-cv"))
    ap.add_argument("--target", choices=["themes", "curriculum"], default="themes")
    args = ap.parse_args(argv)
    records = [r for p in TRAIN + list(args.extra) for r in read_corpus(p) if r.themes]
    lemmas = lemmas_of(records, args.lemmas, args.cache)
    if args.target == "curriculum":
        rows = curriculum_cv(records, lemmas, shuffles=args.shuffles)
        for row in sorted(rows, key=lambda r: -r.get("all_micro", 0)):
            print(json.dumps(row))
        return 0
    older = np.array([r.id.startswith(OLDER) for r in records])
    book = ThemeCodebook.default()
    res = cv_scores(lemmas, [r.themes for r in records], older, lambda: ThemeTagger(book), book.ids, args.shuffles)
    print(json.dumps({"lemmas": args.lemmas, "n_older": int(older.sum()), "n_other": int((~older).sum()), **res}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
