"""The sentence ``subject`` in the exchange format, subject accuracy and sentence-start scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrativ_nlp.corpus.format import NOT_ANNOTATED, GoldSentence, check_corpus, read_corpus
from narrativ_nlp.evaluation.scoring import PredFinding, same_person, score_sentence_starts, score_subjects

TEXT = "Ali legede med Emma. Han slår altid. Alis mor kom kl. 15."
#       0   4      11   16   21  25   30    37   42  46  50


def _record(subject_1=None, subject_2="absent"):
    sents = [
        {"start": 0, "end": 20, "deficit": False, "resource": True, "subject": [0, 3]},
        {"start": 21, "end": 36, "deficit": True, "resource": False},
        {"start": 37, "end": 57, "deficit": False, "resource": False},
    ]
    if subject_1 is not None:
        sents[1]["subject"] = subject_1
    if subject_2 != "absent":
        sents[2]["subject"] = subject_2
    return {
        "id": "s1",
        "text": TEXT,
        "sentences": sents,
        "entities": [{"start": 0, "end": 3, "label": "PERSON"}, {"start": 15, "end": 19, "label": "PERSON"},
                     {"start": 37, "end": 41, "label": "PERSON"}],
    }


def _write(tmp_path: Path, rec: dict) -> Path:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def test_format_reads_subject_span_null_and_absent(tmp_path):
    (rec,) = read_corpus(_write(tmp_path, _record(subject_1=None)))
    assert rec.sentences[0].subject == (0, 3) and rec.sentences[0].has_subject
    assert rec.sentences[1].subject == NOT_ANNOTATED and not rec.sentences[1].has_subject
    (rec,) = read_corpus(_write(tmp_path, _record(subject_1=[0, 3])))
    assert rec.sentences[1].subject == (0, 3)
    # a null subject round-trips as null, an absent one stays absent
    raw = _record()
    raw["sentences"][1]["subject"] = None
    (rec,) = read_corpus(_write(tmp_path, raw))
    assert rec.sentences[1].subject is None and rec.sentences[1].has_subject
    out = rec.to_json()["sentences"]
    assert out[1]["subject"] is None and "subject" not in out[2] and out[0]["subject"] == [0, 3]


@pytest.mark.parametrize("subject,detail", [
    ([4, 10], "er ikke et PERSON-spænd"),
    ("Ali", "skal være [start, end] eller null"),
    ([0, 3, 5], "skal være [start, end] eller null"),
])
def test_format_rejects_bad_subjects(tmp_path, subject, detail):
    _, problems = check_corpus(_write(tmp_path, _record(subject_1=subject)))
    assert problems and detail in str(problems[0]) and "linje 1" in str(problems[0])


def test_format_rejects_subject_on_neutral_sentence(tmp_path):
    _, problems = check_corpus(_write(tmp_path, _record(subject_2=[0, 3])))
    assert problems and "sætning med deficit eller resource" in str(problems[0])


def test_same_person_by_span_name_possessive_and_first_name():
    text = "Ali og Nora Abdi. Alis bil. Nora kom. Emma kom."
    assert same_person(text, (0, 3), (0, 3))
    assert same_person(text, (0, 3), (18, 22))  # Ali = Alis
    assert same_person(text, (7, 16), (28, 32))  # Nora Abdi = Nora
    assert not same_person(text, (0, 3), (38, 42))
    assert same_person(text, None, None) and not same_person(text, None, (0, 3))


def test_score_subjects_counts_accuracy_and_wrong_names():
    gold = [
        GoldSentence(0, 20, False, True, (), (0, 3)),
        GoldSentence(21, 36, True, False, (), (0, 3)),  # "Han" → Ali
        GoldSentence(37, 57, True, False, (), None),  # about the mother: no named child
        GoldSentence(58, 60, False, False),  # neutral, not scored
    ]
    findings = [
        PredFinding(4, "resource", (0, 3), "Ali"),
        PredFinding(25, "deficit", (15, 19), "Emma"),  # the wrong child
        PredFinding(42, "deficit", (37, 41), "Ali"),  # names a child where gold says nobody
    ]
    result = score_subjects([(TEXT + "   ", gold, findings, [])])
    assert result["subject_n"] == 3
    assert result["subject_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert result["suggestions_named"] == 3 and result["suggestions_wrong_name"] == 2
    # "Emma" is no gold subject anywhere in the narrative: a non-child name (as far as gold says)
    assert result["suggestions_non_child_name"] == 1


def test_score_subjects_uses_sentence_subject_without_finding():
    gold = [GoldSentence(21, 36, True, False, (), (0, 3))]
    hit = score_subjects([(TEXT, gold, [], [(21, 36, (0, 3), "pronoun")])])
    miss = score_subjects([(TEXT, gold, [], [(21, 36, None, "writer")])])
    assert hit["subject_accuracy"] == 1.0 and miss["subject_accuracy"] == 0.0


def test_score_sentence_starts():
    text = "Overskrift\n\nAli legede. Han grinede."
    gold = [GoldSentence(0, 10, False, False), GoldSentence(12, 23, False, False), GoldSentence(24, 36, False, False)]
    perfect = score_sentence_starts([(text, gold, [(0, 12), (12, 24), (24, 36)])])
    assert perfect["f1"] == 1.0 and perfect["glued"] == 0 and perfect["space_starts"] == 0
    glued = score_sentence_starts([(text, gold, [(0, 10), (10, 36)])])  # starts on the blank line
    assert glued["recall"] == 0.5 and glued["glued"] == 1 and glued["space_starts"] == 1
