"""``narrativ train-ner``: train the Danish NER model on UNER plus corpus names.

News text alone misses children's names in narratives, so the PERSON spans of
the corpus train split (and INSTITUTION spans, as ORG) are added to the UNER
training sentences.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.ner.iob2 import read_iob2, sentence_to_doc

logger = logging.getLogger(__name__)

#: corpus labels carried into NER training, and the NER label they become
CORPUS_TO_NER = {"PERSON": "PER", "INSTITUTION": "ORG"}


def corpus_docs(nlp: spacy.Language, path: Path) -> list[Doc]:
    """Docs from an exchange-format corpus with PERSON→PER and INSTITUTION→ORG gold."""
    docs = []
    for rec in read_corpus(path):
        doc = nlp.make_doc(rec.text)
        spans = []
        for ent in rec.entities:
            if ent.label in CORPUS_TO_NER:
                span = doc.char_span(ent.start, ent.end, label=CORPUS_TO_NER[ent.label], alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        spans = spacy.util.filter_spans(spans)
        doc.set_ents(spans, default="outside")
        docs.append(doc)
    return docs


def train_ner(
    train: Path,
    dev: Path,
    out: Path,
    extra: list[Path] | None = None,
    max_steps: int | None = None,
    limit: int | None = None,
    width: int | None = None,
    depth: int | None = None,
    seed: int = 0,
) -> dict[str, float]:
    """Train and write a spaCy NER pipeline to ``out``; return its dev scores."""
    from spacy.cli.train import train as spacy_train

    nlp = spacy.blank("da")
    train_docs = [sentence_to_doc(nlp.vocab, s) for s in read_iob2(train)]
    dev_docs = [sentence_to_doc(nlp.vocab, s) for s in read_iob2(dev)]
    for path in extra or []:
        train_docs.extend(corpus_docs(nlp, Path(path)))
    if limit:
        train_docs, dev_docs = train_docs[:limit], dev_docs[: max(1, limit // 4)]
    logger.info("training NER on %d docs, dev %d docs", len(train_docs), len(dev_docs))
    overrides: dict[str, object] = {"system.seed": seed}
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
        overrides["training.eval_frequency"] = max(1, min(400, max_steps // 2))
    if width:
        overrides["components.tok2vec.model.encode.width"] = width
    if depth:
        overrides["components.tok2vec.model.encode.depth"] = depth
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        DocBin(docs=train_docs).to_disk(tmp_path / "train.spacy")
        DocBin(docs=dev_docs).to_disk(tmp_path / "dev.spacy")
        overrides["paths.train"] = str(tmp_path / "train.spacy")
        overrides["paths.dev"] = str(tmp_path / "dev.spacy")
        config_path = Path(str(resources.files("narrativ_nlp.ner").joinpath("config.cfg")))
        spacy_train(config_path, tmp_path / "output", overrides=overrides)
        best = tmp_path / "output" / "model-best"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    meta.update({"name": "narrativ_ner_da", "license": "CC BY-SA 4.0"})
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return meta.get("performance", {})
