"""The exchange-format validator: real corpus files pass, broken ones fail with line and id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrativ_nlp.corpus.format import check_corpus, read_corpus
from narrativ_nlp.errors import NarrativError

GOOD = {
    "id": "t1",
    "text": "Ali stod ved bordet, mens Emmas mor ringede.",
    "themes": ["play", "parents"],
    "sentences": [{"start": 0, "end": 44, "deficit": False, "resource": False}],
    "entities": [{"start": 0, "end": 3, "label": "PERSON"}, {"start": 26, "end": 31, "label": "PERSON"}],
}


def _write(tmp_path: Path, *records: object, raw: str | None = None) -> Path:
    path = tmp_path / "c.jsonl"
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if raw is not None:
        lines.append(raw)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_format_every_corpus_file_is_valid(corpus_files):
    for path in corpus_files:
        records, problems = check_corpus(path)
        assert problems == [], f"{path.name}: {problems[:3]}"
        assert records


def test_format_good_record_parses(tmp_path):
    (rec,) = read_corpus(_write(tmp_path, GOOD))
    assert [rec.text[e.start : e.end] for e in rec.entities] == ["Ali", "Emmas"]
    assert rec.themes == ["play", "parents"]


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"entities": [{"start": 0, "end": 2, "label": "PERSON"}]}, "skærer et ord over"),
        ({"entities": [{"start": 0, "end": 4, "label": "PERSON"}]}, "mellemrum"),
        ({"entities": [{"start": 40, "end": 99, "label": "PERSON"}]}, "uden for teksten"),
        ({"entities": [{"start": 0, "end": 3, "label": "PERSON"}, {"start": 0, "end": 8, "label": "PERSON"}]}, "overlappende"),
        ({"entities": [{"start": 0, "end": 3, "label": "NAME"}]}, "ukendt etiket"),
        ({"themes": ["football"]}, "ukendt(e) tema"),
        ({"sentences": [{"start": 0, "end": 44, "deficit": "yes", "resource": False}]}, "true eller false"),
        ({"sentences": [{"start": 0, "end": 44, "deficit": True, "resource": False, "categories": ["lazy"]}]}, "ukendte kategorier"),
    ],
)
def test_format_rejects_with_line_and_id(tmp_path, change, expected):
    bad = dict(GOOD, id="bad7", **change)
    records, problems = check_corpus(_write(tmp_path, GOOD, bad))
    assert len(records) == 1
    assert problems, "the broken record was accepted"
    message = str(problems[0])
    assert expected in message
    assert "linje 2" in message and "bad7" in message
    # the message never quotes narrative text
    assert "Ali stod" not in message


def test_format_invalid_json_names_the_line(tmp_path):
    path = _write(tmp_path, GOOD, raw='{"id": "x", "text": ')
    with pytest.raises(NarrativError) as exc:
        read_corpus(path)
    assert "linje 2" in str(exc.value) and "JSON" in str(exc.value)


def test_format_duplicate_ids_rejected(tmp_path):
    _, problems = check_corpus(_write(tmp_path, GOOD, GOOD))
    assert any("findes to gange" in str(p) for p in problems)


def test_format_missing_file_and_bad_encoding(tmp_path):
    with pytest.raises(NarrativError) as exc:
        read_corpus(tmp_path / "nope.jsonl")
    assert exc.value.code == "E001"
    latin1 = tmp_path / "latin1.jsonl"
    latin1.write_bytes(json.dumps(dict(GOOD, text="Søren så på Åse."), ensure_ascii=False).encode("latin-1"))
    with pytest.raises(NarrativError) as exc:
        read_corpus(latin1)
    assert exc.value.code == "E002"
