"""The ``narrativ`` command line: JSON output, clear Danish errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ..conftest import CORPORA, ROOT

EXPECTED_LABEL_KEYS = {"gold", "recall", "recall_ci", "precision", "f1", "leaked"}


def run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "narrativ_nlp.cli", *args], input=stdin, capture_output=True, cwd=ROOT, timeout=600)


@pytest.fixture(scope="module")
def evaluated():
    proc = run("evaluate", str(CORPORA / "narratives.test.jsonl"), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def test_cli_evaluate_json_keys(evaluated):
    assert evaluated["n_narratives"] > 0
    ids = evaluated["identifiers"]
    assert {"PERSON", "ALL"} <= set(ids)
    for label, s in ids.items():
        assert set(s) == EXPECTED_LABEL_KEYS, label
        assert 0.0 <= s["recall"] <= 1.0
        lo, hi = s["recall_ci"]
        assert lo <= s["recall"] <= hi
    assert set(evaluated["framing"]) == {"deficit", "resource"}
    assert set(evaluated["framing"]["deficit"]) == {"precision", "recall", "f1", "f1_ci", "support"}
    lo, hi = evaluated["framing"]["deficit"]["f1_ci"]
    assert lo <= evaluated["framing"]["deficit"]["f1"] <= hi
    assert evaluated["seconds_per_narrative"] > 0


def test_cli_evaluate_any_file_in_the_format(tmp_path):
    path = tmp_path / "other.jsonl"
    rec = {"id": "x1", "text": "Hej Sol, ring til mor på 20 45 67 89.", "entities": [
        {"start": 4, "end": 7, "label": "PERSON"}, {"start": 25, "end": 36, "label": "PHONE"}]}
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = run("evaluate", str(path), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    assert out["identifiers"]["PHONE"]["recall"] == 1.0
    assert out["identifiers"]["PERSON"]["recall"] == 1.0
    assert "framing" not in out  # no gold sentences, no framing score


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "findes ikke"),
        ('{"id": "a", "text": "x"}\n{"id": "b", "text": ', "linje 2"),
        ('{"id": "a", "text": "Bo", "entities": [{"start": 0, "end": 9, "label": "PERSON"}]}\n', "uden for teksten"),
    ],
)
def test_cli_evaluate_bad_input(tmp_path, content, expected):
    path = tmp_path / "bad.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    proc = run("evaluate", str(path), "--json")
    err = proc.stderr.decode()
    assert proc.returncode != 0
    assert "Traceback" not in err
    assert expected in err or "outside the text" in err


def test_cli_analyse_json_from_stdin():
    proc = run("analyse", "-", "--json", stdin="Noah kan ikke vente på sin tur. Han hjalp Sara med skoene.".encode())
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    kinds = {f["kind"] for f in out["findings"]}
    assert kinds == {"deficit", "resource"}
    assert all({"start", "end", "category", "suggestions", "explanation"} <= set(f) for f in out["findings"])


def test_cli_analyse_non_utf8_file(tmp_path):
    path = tmp_path / "narrativ.txt"
    path.write_bytes("Søren kan ikke sidde stille.".encode("cp1252"))
    proc = run("analyse", str(path))
    assert proc.returncode == 2
    assert "UTF-8" in proc.stderr.decode() and "narrativ.txt" in proc.stderr.decode()
    assert "Søren" not in proc.stderr.decode()


def test_cli_info_names_pipeline_and_models():
    proc = run("info", "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    info = json.loads(proc.stdout)
    assert "narrativ_identifiers" in info["pipeline"] and "narrativ_framing" in info["pipeline"]
    assert info["framing_classifier"] == "indlæst"
    assert info["spacy"] and info["ner_model"]


def test_cli_corpus_check_rejects_with_line_and_id(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "q9", "text": "Ida", "themes": ["nope"]}\n', encoding="utf-8")
    proc = run("corpus", "check", str(path))
    assert proc.returncode == 1
    assert "q9" in proc.stderr.decode() and "linje 1" in proc.stderr.decode()
