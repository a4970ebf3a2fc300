"""Training commands on tiny slices (CI never retrains the shipped models)."""

from __future__ import annotations

import json

import spacy

from narrativ_nlp.cli import main
from narrativ_nlp.framing.classifier import SentenceClassifier
from narrativ_nlp.themes.tagger import ThemeTagger

from ..conftest import CORPORA

IOB2 = """# sent_id = t-{i}
# text = Mette Hansen bor i Odense og arbejder i Børnehuset Sol.
1\tMette\tB-PER\tO\ts
2\tHansen\tI-PER\tO\ts
3\tbor\tO\tO\ts
4\ti\tO\tO\ts
5\tOdense\tB-LOC\tO\ts
6\tog\tO\tO\ts
7\tarbejder\tO\tO\ts
8\ti\tO\tO\ts
9\tBørnehuset\tB-ORG\tO\ts
10\tSol\tI-ORG\tO\ts
11\t.\tO\tO\ts

"""


def test_train_ner_smoke(tmp_path, capsys):
    train = tmp_path / "train.iob2"
    dev = tmp_path / "dev.iob2"
    train.write_text("".join(IOB2.format(i=i) for i in range(6)), encoding="utf-8")
    dev.write_text(IOB2.format(i=99), encoding="utf-8")
    out = tmp_path / "ner"
    rc = main(["train-ner", "--train", str(train), "--dev", str(dev), "--extra", str(CORPORA / "narratives.dev.jsonl"),
               "--out", str(out), "--max-steps", "4", "--limit", "8"])
    assert rc == 0
    nlp = spacy.load(out)
    assert set(nlp.get_pipe("ner").labels) >= {"PER", "LOC", "ORG"}
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    assert meta["license"] == "CC BY-SA 4.0"
    # the feature table ships inside the model; the model loads without narrativ's training scorer
    assert nlp.vocab.vectors.shape[1] > 0
    assert "narrativ.ner_per_scorer" not in (out / "config.cfg").read_text(encoding="utf-8")


def test_train_framing_smoke(tmp_path):
    out = tmp_path / "framing"
    rc = main(["train-framing", "--train", str(CORPORA / "sentences.dev.jsonl"), "--out", str(out), "--limit", "120"])
    assert rc == 0
    clf = SentenceClassifier.load(out)
    probs = clf.predict_proba(["Han kan ikke sidde stille.", "Hun byggede et tårn."])
    assert probs.shape == (2, 2)


def test_train_themes_smoke(tmp_path):
    out = tmp_path / "themes"
    rc = main(["train-themes", "--train", str(CORPORA / "narratives.dev.jsonl"), "--out", str(out)])
    assert rc == 0
    tagger = ThemeTagger.load(out)
    assert tagger.model_themes
