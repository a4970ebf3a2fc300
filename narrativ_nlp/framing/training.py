"""``narrativ train-framing``: fit the sentence classifier on gold sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.framing.classifier import SentenceClassifier, mask_names


def gold_sentences(paths: list[Path]) -> tuple[list[str], np.ndarray]:
    """Sentence texts (names masked) and (deficit, resource) labels from corpus files."""
    texts, labels = [], []
    for path in paths:
        for rec in read_corpus(path):
            names = [(e.start, e.end) for e in rec.entities or [] if e.label == "PERSON"]
            for s in rec.sentences or []:
                inside = [(a - s.start, b - s.start) for a, b in names if s.start <= a and b <= s.end]
                texts.append(mask_names(rec.text[s.start : s.end], inside))
                labels.append((int(s.deficit), int(s.resource)))
    return texts, np.array(labels, dtype=int).reshape(-1, 2)


#: fuse a negation with the words it scopes over before the features (``classifier.mark_negation``)
NEGATION_MARKING = True
#: sentences shorter than this many words get their evidence scaled down (``classifier.shrink_short``);
#: chosen on the dev split with ``evaluation/tune_framing.py``
SHORT_SENTENCE_WORDS = 3


def train_framing(paths: list[Path], out: Path, limit: int | None = None, seed: int = 0,
                  negation_marking: bool = NEGATION_MARKING) -> dict[str, Any]:
    texts, y = gold_sentences(paths)
    if limit:
        texts, y = texts[:limit], y[:limit]
    clf = SentenceClassifier.train(texts, y, seed=seed, negation_marking=negation_marking)
    clf.meta["short_sentence_words"] = SHORT_SENTENCE_WORDS
    clf.meta["train_files"] = [p.name for p in paths]
    clf.meta["label_counts"] = {"deficit": int(y[:, 0].sum()), "resource": int(y[:, 1].sum()), "n": len(texts)}
    clf.save(out)
    return clf.meta
