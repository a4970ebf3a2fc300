"""``narrativ train-ner``: train the Danish NER model on UNER plus corpus names.

News text alone misses children's names in narratives, so the PERSON spans of
the corpus train split (and INSTITUTION spans, as ORG) are added to the UNER
training sentences.

The tok2vec's static vectors are a small feature table (``narrativ_nlp.ner.features``:
first name, surname, ordinary Danish word, word frequency, ...) built here from
packaged sources and shipped inside the model. Checkpoints are chosen on dev by
PER F1 (``ents_per_f``, weight 0.8) with all-entity F1 (0.2) as a tie-breaker,
because person names are what the detector needs.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import spacy
from spacy.scorer import get_ner_prf
from spacy.tokens import Doc, DocBin

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.ner.iob2 import read_iob2, sentence_to_doc

logger = logging.getLogger(__name__)

#: corpus labels carried into NER training, and the NER label they become
CORPUS_TO_NER = {"PERSON": "PER", "INSTITUTION": "ORG"}

PER_SCORER = "narrativ.ner_per_scorer.v1"
#: checkpoint selection on dev: PER F1 first, all-entity F1 as tie-breaker
SCORE_WEIGHTS = {"ents_per_f": 0.8, "ents_f": 0.2, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None}


@spacy.registry.scorers(PER_SCORER)
def make_ner_per_scorer():
    """spaCy's NER scores plus ``ents_per_f`` (PER F1), used only while training."""

    def score(examples, **kwargs):
        scores = get_ner_prf(examples, **kwargs)
        per = (scores.get("ents_per_type") or {}).get("PER") or {}
        scores["ents_per_f"] = float(per.get("f", 0.0))
        return scores

    return score


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
    features: bool = True,
    eval_frequency: int = 200,
    patience: int | None = None,
) -> dict[str, float]:
    """Train and write a spaCy NER pipeline to ``out``; return its dev scores.

    ``features=False`` trains without the static feature table (ablation).
    """
    from spacy.cli.train import train as spacy_train
    from thinc.api import Config

    from narrativ_nlp.ner.features import feature_vectors

    nlp = spacy.blank("da")
    train_docs = [sentence_to_doc(nlp.vocab, s) for s in read_iob2(train)]
    dev_docs = [sentence_to_doc(nlp.vocab, s) for s in read_iob2(dev)]
    for path in extra or []:
        train_docs.extend(corpus_docs(nlp, Path(path)))
    if limit:
        train_docs, dev_docs = train_docs[:limit], dev_docs[: max(1, limit // 4)]
    logger.info("training NER on %d docs, dev %d docs", len(train_docs), len(dev_docs))
    overrides: dict[str, object] = {"system.seed": seed, "training.eval_frequency": eval_frequency}
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
        overrides["training.eval_frequency"] = max(1, min(eval_frequency, max_steps // 2))
    if patience is not None:
        overrides["training.patience"] = patience
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
        config = Config().from_disk(Path(str(resources.files("narrativ_nlp.ner").joinpath("config.cfg"))), interpolate=False)
        config["components"]["ner"]["scorer"] = {"@scorers": PER_SCORER}
        config["training"]["score_weights"] = dict(SCORE_WEIGHTS)
        if features:
            vec_nlp = spacy.blank("da")
            n = len(feature_vectors(vec_nlp.vocab))
            logger.info("feature table: %d keys", n)
            vec_nlp.to_disk(tmp_path / "features")
            overrides["paths.vectors"] = str(tmp_path / "features")
        else:
            config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = False
        config_path = tmp_path / "config.cfg"
        config.to_disk(config_path)
        spacy_train(config_path, tmp_path / "output", overrides=overrides)
        best = tmp_path / "output" / "model-best"
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(best, out)
    # the shipped model loads with spaCy's own scorer (no narrativ registry entry needed)
    cfg_file = out / "config.cfg"
    shipped = Config().from_disk(cfg_file, interpolate=False)
    shipped["components"]["ner"]["scorer"] = {"@scorers": "spacy.ner_scorer.v1"}
    shipped["training"]["score_weights"] = {k: v for k, v in SCORE_WEIGHTS.items() if k != "ents_per_f"}
    shipped.to_disk(cfg_file)
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    meta.update({"name": "narrativ_ner_da", "license": "CC BY-SA 4.0"})
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    return meta.get("performance", {})
