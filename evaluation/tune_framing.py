"""Choose the framing combination settings on the dev split (never on test or blind).

    python evaluation/tune_framing.py corpora/narratives.dev.jsonl corpora/sentences.dev.jsonl

Prints the grid's best settings for ``settings`` in ``narrativ_nlp/data/framing_rules.yaml``:
the highest mean F1 of deficit and resource with deficit precision >= 0.85.
"""

from __future__ import annotations

import itertools
import sys

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.evaluation.scoring import score_framing
from narrativ_nlp.pipeline import load_pipeline, ner_only_pipes


def raw_findings(paths: list[str]):
    nlp = load_pipeline()
    comp = nlp.get_pipe("narrativ_framing")
    comp.settings = dict(comp.settings, classifier_only_threshold={"deficit": 0.0, "resource": 0.0})
    items = []
    for path in paths:
        for rec in read_corpus(path):
            doc = nlp(rec.text, disable=ner_only_pipes(nlp))
            items.append((rec.sentences, doc._.framing.findings))
    return items


def main(paths: list[str]) -> None:
    items = raw_findings(paths)
    for kind in ("deficit", "resource"):
        results = []
        for w, thr, only in itertools.product([0.2, 0.3, 0.4, 0.5, 0.6, 0.7], [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7],
                                              [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.9, 1.01]):
            scored = []
            for gold, findings in items:
                kept = []
                for f in findings:
                    if f.kind != kind:
                        continue
                    if f.rule_confidence is None:
                        conf = f.classifier_probability if f.classifier_probability >= only else 0.0
                    else:
                        conf = w * f.rule_confidence + (1 - w) * f.classifier_probability
                    if conf >= thr:
                        kept.append((f.start, f.kind))
                scored.append((gold, kept))
            s = score_framing(scored)[kind]
            ok = kind != "deficit" or s["precision"] >= 0.85
            results.append((ok, s["f1"], w, thr, only, s))
        results.sort(key=lambda r: (r[0], r[1]), reverse=True)
        print(kind)
        for r in results[:5]:
            print(f"  rule_weight={r[2]} default_threshold={r[3]} classifier_only_threshold={r[4]} {r[5]}")


if __name__ == "__main__":
    main(sys.argv[1:])
