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
    assert {"deficit", "resource"} <= set(evaluated["framing"])
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
    assert expected in err


def test_cli_analyse_json_from_stdin():
    proc = run("analyse", "-", "--json", stdin="Noah kan ikke vente på sin tur. Han hjalp Sara med skoene.".encode())
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    kinds = {f["kind"] for f in out["findings"]}
    assert kinds == {"deficit", "resource"}
    assert all({"start", "end", "category", "suggestions", "explanation"} <= set(f) for f in out["findings"])


def test_cli_analyse_cp1252_and_utf16_files(tmp_path):
    """Files saved by old Windows programs (cp1252) or as UTF-16 with a BOM are read, not refused."""
    for encoding in ("cp1252", "utf-16"):
        path = tmp_path / f"narrativ-{encoding}.txt"
        path.write_bytes("Søren kan ikke sidde stille i rundkredsen.".encode(encoding))
        proc = run("analyse", str(path), "--json")
        assert proc.returncode == 0, proc.stderr.decode()
        assert json.loads(proc.stdout)["findings"], encoding


def test_cli_analyse_reads_a_word_document(tmp_path):
    """A .docx is read by the Word reader (it was refused as "not valid UTF-8 text")."""
    import docx

    d = docx.Document()
    d.add_paragraph("Mandag i garderoben")
    d.add_paragraph("Søren kan ikke tage sine støvler på selv og giver hurtigt op.")
    path = tmp_path / "narrativ.docx"
    d.save(path)
    proc = run("analyse", str(path), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    out = json.loads(proc.stdout)
    assert out["findings"] and "UTF-8" not in proc.stderr.decode()


def test_cli_analyse_binary_file_refused(tmp_path):
    path = tmp_path / "narrativ.txt"
    path.write_bytes(b"\x00\x01\x02Sxren\x00" * 20)
    proc = run("analyse", str(path))
    assert proc.returncode == 2
    assert "narrativ.txt" in proc.stderr.decode() and "Sxren" not in proc.stderr.decode()


def test_cli_info_names_pipeline_and_models(tmp_path):
    proc = run("--db", str(tmp_path / "x.sqlite3"), "info", "--json", "--load")
    assert proc.returncode == 0, proc.stderr.decode()
    info = json.loads(proc.stdout)
    assert "narrativ_identifiers" in info["pipeline"] and "narrativ_framing" in info["pipeline"]
    assert info["framing_classifier"] == "indlæst"
    assert info["spacy"] and info["ner_model"]
    assert info["database"] == str(tmp_path / "x.sqlite3") and info["database_source"] == "kommandolinjen"
    assert {m["state"] for m in info["models"].values()} == {"ok"}
    assert {"ner", "framing", "themes"} <= set(info["models"])


def test_cli_bare_prints_help_version_and_danish_usage():
    proc = run()
    assert proc.returncode == 0 and "kommandoer" in proc.stdout.decode() and "tilvalg" in proc.stdout.decode()
    proc = run("--version")
    assert proc.returncode == 0 and proc.stdout.decode().startswith("narrativ ")
    proc = run("anonymise")
    assert proc.returncode == 2 and "disse argumenter mangler" in proc.stderr.decode()


def test_cli_global_ner_model_is_honoured_by_every_command(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("Emma legede.", encoding="utf-8")
    proc = run("--ner-model", "/nonexistent", "anonymise", str(src), "--out", str(tmp_path / "ud"))
    assert proc.returncode == 2 and "/nonexistent" in proc.stderr.decode()
    assert not (tmp_path / "ud").exists()


def test_cli_missing_bundled_model_is_an_error_naming_the_path(tmp_path):
    import shutil

    from narrativ_nlp.settings import bundled_models_dir

    models = tmp_path / "models"
    shutil.copytree(bundled_models_dir(), models)
    (models / "themes" / "theme_tagger.skops").unlink()
    src = tmp_path / "n.txt"
    src.write_text("Emma byggede et tårn af klodser.", encoding="utf-8")
    proc = run("--models-dir", str(models), "--db", str(tmp_path / "d.sqlite3"), "import", str(src), "--quiet")
    assert proc.returncode == 2
    assert "theme_tagger.skops" in proc.stderr.decode() and "Emma" not in proc.stderr.decode()


def test_cli_evaluate_text_report(tmp_path):
    from pathlib import Path

    test = Path(__file__).resolve().parents[2] / "corpora" / "narratives.dev.jsonl"
    lines = test.read_text(encoding="utf-8").splitlines()[:3]
    path = tmp_path / "three.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("evaluate", str(path))
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "narrativer: 3" in out and "personnavne" in out and "mangelsprog" in out and "temaer:" in out


def test_cli_corpus_check_rejects_with_line_and_id(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": "q9", "text": "Ida", "themes": ["nope"]}\n', encoding="utf-8")
    proc = run("corpus", "check", str(path))
    assert proc.returncode == 1
    assert "q9" in proc.stderr.decode() and "linje 1" in proc.stderr.decode()


def test_cli_backup_delete_restore_cycle(tmp_path):
    db, copy = tmp_path / "n.sqlite3", tmp_path / "kopi.sqlite3"
    src = tmp_path / "n.jsonl"
    src.write_text('{"text": "Aksel byggede en bro af klodser sammen med Ida.", "group": "Stue Ugle", "date": "2026-02-02"}\n'
                   '{"text": "Ida sang en sang ved samlingen.", "group": "Stue Ræv", "date": "2026-02-03"}\n', encoding="utf-8")
    assert run("--db", str(db), "import", str(src), "--quiet").returncode == 0
    proc = run("--db", str(db), "backup", str(copy))
    assert proc.returncode == 0 and copy.is_file()
    assert run("--db", str(db), "backup", str(copy)).returncode == 2  # never overwritten
    proc = run("--db", str(db), "delete", "--group", "Stue Ugle")  # no terminal, no --yes: nothing happens
    assert proc.returncode == 2 and "--yes" in proc.stderr.decode()
    proc = run("--db", str(db), "delete", "--group", "Stue Ugle", "--yes")
    assert proc.returncode == 0 and "Slettet: 1" in proc.stdout.decode()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("n.sqlite3*"))
    assert "bygge".encode() not in raw and "bro af klodser".encode() not in raw
    assert run("--db", str(db), "restore", str(copy)).returncode == 2  # the database exists: needs --force
    assert run("--db", str(db), "restore", str(copy), "--force").returncode == 0
    from contextlib import closing

    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db, create=False)) as store:
        assert store.count() == 2


def test_cli_curriculum_workbook_and_effect_view(tmp_path):
    import json as _json

    from openpyxl import load_workbook

    db = tmp_path / "c.sqlite3"
    src = tmp_path / "n.jsonl"
    rows = [{"text": t, "group": "Stue Ugle", "date": d} for t, d in [
        ("Ida kan ikke vente på sin tur og skubber altid de andre ved gyngerne.", "2026-01-10"),
        ("Noah er en urolig dreng, som aldrig sidder stille til samling.", "2026-01-20"),
        ("Ida ventede på sin tur ved gyngerne og hjalp Bo op at sidde.", "2026-03-10"),
        ("Noah sang med på alle versene og fandt selv på en ny bevægelse til sangen.", "2026-03-20"),
        ("I skoven fandt Bo en snegl og talte dens striber sammen med Ida.", "2026-03-25")]]
    src.write_text("\n".join(_json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    assert run("--db", str(db), "import", str(src), "--quiet").returncode == 0
    out = tmp_path / "laereplan.xlsx"
    proc = run("--db", str(db), "curriculum", "--out", str(out), "--period", "month")
    assert proc.returncode == 0, proc.stderr.decode()
    sheets = load_workbook(out).sheetnames
    assert "Oversigt" in sheets and len(sheets) >= 7  # about, overview and one sheet per læreplanstema
    assert run("--db", str(db), "curriculum", "--out", str(out)).returncode == 2  # never overwritten
    proc = run("--db", str(db), "effect", "--date", "2026-03-01", "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    view = _json.loads(proc.stdout)
    row = next(r for r in view["resource"] if r["group"] == "Stue Ugle")
    assert (row["n_before"], row["n_after"]) == (2, 3) and row["after"] > row["before"]


def test_cli_evaluate_text_report_in_danish(tmp_path):
    """The text report (no --json) names every score in Danish, with decimal commas."""
    path = tmp_path / "lille.jsonl"
    text = "Ida kan ikke sidde stille. Ida hjalp Bo med at hente vand."
    rec = {"id": "t1", "text": text, "themes": ["play"], "curriculum": ["social"],
           "entities": [{"start": 0, "end": 3, "label": "PERSON"}, {"start": 27, "end": 30, "label": "PERSON"},
                        {"start": 37, "end": 39, "label": "PERSON"}],
           "sentences": [{"start": 0, "end": 26, "deficit": True, "resource": False, "categories": ["inability"]},
                         {"start": 27, "end": len(text), "deficit": False, "resource": True, "categories": ["competence"]}]}
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = run("evaluate", str(path))
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    for danish in ("personnavne", "alle i alt", "mangelsprog", "ressourcesprog", "læreplanstemaer: mikro-F1"):
        assert danish in out, danish
    for english in ("ALL", "deficit", "resource", "micro_f1", "PERSON "):
        assert english not in out, english
    assert "0," in out or "1,0" in out  # decimal commas
    assert not any(c.isdigit() and nxt == "." and after.isdigit() for c, nxt, after in zip(out, out[1:], out[2:]))
