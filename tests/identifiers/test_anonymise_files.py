"""Batch anonymisation of files (``anonymise_files``) and robustness of ``detect``.

Inputs are never modified, outputs are written whole or not at all, existing
outputs are not overwritten, and errors carry their documented codes.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from narrativ_nlp.anonymise import CHUNK_CHARS, detect
from narrativ_nlp.anonymise_files import anonymise_files
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers import Pseudonymiser

NARRATIVE = ("I dag legede Emma med Oliver i sandkassen. Emmas mor, Mette Hansen, ringede fra 20 45 67 89 "
             "og fortalte, at Zeynep fra Børnehuset Mælkebøtten kommer på besøg.")
NAMES = ("Emma", "Oliver", "Mette", "Hansen", "Zeynep", "Mælkebøtten", "20 45 67 89")


@pytest.fixture(scope="module", autouse=True)
def nlp():
    from narrativ_nlp.pipeline import load_pipeline

    return load_pipeline()


def run(inputs, out, **kwargs):
    return anonymise_files(inputs, out, progress=False, **kwargs)


def assert_no_identifiers(text):
    for name in NAMES:
        assert name not in text, name


def make_docx(path, paragraphs, cell_text=None):
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    if cell_text is not None:
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "Barn"
        table.cell(0, 1).text = cell_text
    document.save(str(path))


def docx_texts(path):
    import docx

    document = docx.Document(str(path))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return paragraphs, cells


@pytest.fixture
def dirs(tmp_path):
    inp, out = tmp_path / "ind", tmp_path / "ud"
    inp.mkdir()
    return inp, out


# --------------------------------------------------------------------------- formats


def test_txt(dirs):
    inp, out = dirs
    src = inp / "fortælling.txt"
    src.write_text(NARRATIVE + "\n", encoding="utf-8")
    before = src.read_bytes()
    summary = run([src], out)
    result = (out / src.name).read_text(encoding="utf-8")
    assert result == ("I dag legede [Person 1] med [Person 2] i sandkassen. [Person 1]s mor, [Person 3], ringede fra "
                      "[Telefon] og fortalte, at [Person 4] fra [Institution 1] kommer på besøg.\n")
    assert src.read_bytes() == before
    assert summary.written == [out / src.name]
    assert summary.counts == {"PERSON": 5, "PHONE": 1, "INSTITUTION": 1}
    assert sorted(p.name for p in out.iterdir()) == [src.name]  # no temp files, no mapping


def test_txt_with_bom_is_read(dirs):
    inp, out = dirs
    src = inp / "bom.txt"
    src.write_bytes("\ufeffI dag legede Emma.".encode())
    run([src], out)
    assert (out / src.name).read_text(encoding="utf-8") == "I dag legede [Person 1]."


def test_csv_every_column_and_kept_columns(dirs):
    """Every text column is anonymised (a side column "barn" would reveal who [Person 1] is); the
    same person gets the same pseudonym in the text and in the side column; a column the user
    keeps stays as it is."""
    inp, out = dirs
    src = inp / "noter.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "barn", "notat", "dato"])
        w.writerow(["1", "Emma", NARRATIVE, "2026-01-05"])
        w.writerow(["2", "Oliver", "Oliver græd, og Emma trøstede ham.", "2026-01-06"])
    before = src.read_bytes()
    run([src], out)
    rows = list(csv.DictReader(io.StringIO((out / src.name).read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == ["1", "2"]
    assert [r["dato"] for r in rows] == ["2026-01-05", "2026-01-06"]
    assert_no_identifiers(rows[0]["notat"])
    assert rows[1]["notat"] == f"{rows[1]['barn']} græd, og {rows[0]['barn']} trøstede ham."
    assert rows[0]["barn"].startswith("[Person") and rows[1]["barn"].startswith("[Person")
    assert src.read_bytes() == before
    from narrativ_nlp.workflows import FilesRequest, anonymise_files
    anonymise_files(FilesRequest([src], out / "kept", keep_columns=frozenset({"barn"})))
    kept = list(csv.DictReader(io.StringIO((out / "kept" / src.name).read_text(encoding="utf-8"))))
    assert [r["barn"] for r in kept] == ["Emma", "Oliver"]
    assert "Oliver" not in kept[1]["notat"]


def test_ragged_csv_refused_with_line_numbers(dirs):
    """An unquoted comma makes a row longer than the header: refused, never guessed (it leaked)."""
    inp, out = dirs
    src = inp / "noter.csv"
    src.write_text("id,tekst\n1,Emma legede.\n2,Oliver, Noah og Ali legede.\n", encoding="utf-8")
    with pytest.raises(NarrativError) as exc:
        run([src], out)
    assert exc.value.code == "E045"
    assert "3" in str(exc.value) and "Oliver" not in str(exc.value)
    assert not (out / src.name).exists()


def test_semicolon_cp1252_and_utf16_csv(dirs):
    """Danish Excel writes semicolons in cp1252, or UTF-16 with a BOM: all read, all anonymised."""
    inp, out = dirs
    text = "barn;tekst\nSøren;Søren og Åse legede på græsset.\n"
    (inp / "cp.csv").write_bytes(text.encode("cp1252"))
    (inp / "u16.csv").write_bytes(text.replace("Søren", "Oliver").encode("utf-16"))
    run([inp / "cp.csv", inp / "u16.csv"], out)
    for name in ("cp.csv", "u16.csv"):
        # a BOM, so that a Danish Excel (which opens a CSV without one as cp1252) shows "æøå" right
        assert (out / name).read_bytes().startswith(b"\xef\xbb\xbf")
        got = (out / name).read_text(encoding="utf-8-sig")
        assert got.splitlines()[0] == "barn;tekst"
        assert "Søren" not in got and "Åse" not in got and "Oliver" not in got
        assert "legede på græsset" in got


def test_jsonl_field_and_gold_offsets_removed(dirs):
    inp, out = dirs
    src = inp / "korpus.jsonl"
    records = [
        {"id": "a1", "text": NARRATIVE, "entities": [[13, 17, "PER"]], "sentences": [[0, 42]], "kilde": "test"},
        {"id": "a2", "text": "Oliver kom sent.", "entities": [], "kilde": "test"},
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    before = src.read_bytes()
    run([src], out)
    got = [json.loads(line) for line in (out / src.name).read_text(encoding="utf-8").splitlines()]
    assert [set(r) for r in got] == [{"id", "text", "kilde"}, {"id", "text", "kilde"}]
    assert [r["id"] for r in got] == ["a1", "a2"]
    assert_no_identifiers(got[0]["text"])
    assert got[1]["text"] == "[Person 2] kom sent."
    assert src.read_bytes() == before


def test_jsonl_every_field_nested_too(dirs):
    inp, out = dirs
    src = inp / "noter.jsonl"
    obj = {"notat": "Zeynep legede.", "text": "Emma", "meta": {"cpr": "120318-1234", "forælder": "Mette Lauridsen"},
           "n": 3}
    src.write_text(json.dumps(obj, ensure_ascii=False) + "\n", encoding="utf-8")
    run([src], out)
    got = json.loads((out / src.name).read_text(encoding="utf-8"))
    assert got["notat"] == "[Person 1] legede." and got["text"] == "[Person 2]" and got["n"] == 3
    assert got["meta"] == {"cpr": "[CPR]", "forælder": "[Person 3]"}


def test_jsonl_line_that_is_not_an_object(dirs):
    inp, out = dirs
    src = inp / "noter.jsonl"
    src.write_text(json.dumps({"tekst": "Emma legede."}) + "\n" + json.dumps(["Oliver"]) + "\n", encoding="utf-8")
    with pytest.raises(NarrativError) as exc:
        run([src], out)
    assert exc.value.code == "E011" and "2" in str(exc.value) and "Oliver" not in str(exc.value)
    assert not (out / src.name).exists()


def test_docx_with_table_cell(dirs):
    inp, out = dirs
    src = inp / "rapport.docx"
    make_docx(src, ["Observation", NARRATIVE], cell_text="Zeynep legede med Emma.")
    before = src.read_bytes()
    run([src], out)
    paragraphs, cells = docx_texts(out / src.name)
    assert paragraphs[0] == "Observation"
    assert_no_identifiers(paragraphs[1])
    assert paragraphs[1].startswith("I dag legede [Person 1] med [Person 2]")
    assert cells == ["Barn", "[Person 4] legede med [Person 1]."]
    assert src.read_bytes() == before
    paragraphs_in, cells_in = docx_texts(src)
    assert paragraphs_in[1] == NARRATIVE and cells_in[1] == "Zeynep legede med Emma."


def test_same_name_same_pseudonym_across_files(dirs):
    inp, out = dirs
    a, b = inp / "a.txt", inp / "b.jsonl"
    a.write_text("Emma legede med Oliver.", encoding="utf-8")
    b.write_text(json.dumps({"text": "Oliver og Emma sov."}) + "\n", encoding="utf-8")
    run([a, b], out)
    assert (out / "a.txt").read_text(encoding="utf-8") == "[Person 1] legede med [Person 2]."
    assert json.loads((out / "b.jsonl").read_text(encoding="utf-8"))["text"] == "[Person 2] og [Person 1] sov."


def test_mapping_written_only_when_asked(dirs, tmp_path):
    inp, out = dirs
    src = inp / "a.txt"
    src.write_text("Emma legede med Oliver.", encoding="utf-8")
    mapping = tmp_path / "nøgle.json"
    run([src], out, mapping_path=mapping)
    rows = json.loads(mapping.read_text(encoding="utf-8"))
    assert {"label": "PERSON", "original": "emma", "replacement": "[Person 1]"} in rows
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]
    assert "emma" not in (out / "a.txt").read_text(encoding="utf-8").lower()


# --------------------------------------------------------------------------- errors and safety


def test_existing_output_not_overwritten(dirs):
    inp, out = dirs
    src = inp / "a.txt"
    src.write_text("Emma legede.", encoding="utf-8")
    out.mkdir()
    (out / "a.txt").write_text("tidligere resultat", encoding="utf-8")
    with pytest.raises(NarrativError) as exc:
        run([src], out)
    assert exc.value.code == "E043"
    assert (out / "a.txt").read_text(encoding="utf-8") == "tidligere resultat"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]


def test_corrupt_docx(dirs):
    inp, out = dirs
    src = inp / "ødelagt.docx"
    src.write_bytes(b"PK\x03\x04 this is not really a Word document")
    with pytest.raises(NarrativError) as exc:
        run([src], out)
    assert exc.value.code in ("E042", "E080")
    assert not out.exists() or list(out.iterdir()) == []  # no output and no temp file left


def test_plain_text_renamed_to_docx(dirs):
    inp, out = dirs
    src = inp / "notat.docx"
    src.write_text("Emma legede.", encoding="utf-8")
    with pytest.raises(NarrativError) as exc:
        run([src], out)
    assert exc.value.code in ("E042", "E080")
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.parametrize("name", ["notat.pdf", "notat.doc", "notat"])
def test_unknown_suffix(dirs, name):
    inp, out = dirs
    src = inp / name
    src.write_text("Emma legede.", encoding="utf-8")
    with pytest.raises(NarrativError) as exc:
        run([src], out)
    assert exc.value.code == "E041"
    assert not out.exists()


def test_legacy_encoded_txt_is_read(dirs):
    """A Latin-1/cp1252 file (old Windows Notepad) is decoded, not refused; output is UTF-8."""
    inp, out = dirs
    src = inp / "latin1.txt"
    src.write_bytes("Søren og Åse legede på græsset.".encode("latin-1"))
    run([src], out)
    got = (out / "latin1.txt").read_text(encoding="utf-8")
    assert got.endswith("legede på græsset.") and "Søren" not in got and "Åse" not in got


def test_missing_input(dirs):
    inp, out = dirs
    with pytest.raises(NarrativError) as exc:
        run([inp / "findes-ikke.txt"], out)
    assert exc.value.code == "E001"


def test_output_folder_must_differ_from_input_folder(dirs):
    inp, _ = dirs
    src = inp / "a.txt"
    src.write_text("Emma legede.", encoding="utf-8")
    with pytest.raises(NarrativError) as exc:
        run([src], inp)
    assert exc.value.code == "E044"
    assert src.read_text(encoding="utf-8") == "Emma legede."


def test_empty_txt(dirs):
    inp, out = dirs
    src = inp / "tom.txt"
    src.write_text("", encoding="utf-8")
    summary = run([src], out)
    assert (out / src.name).read_text(encoding="utf-8") == ""
    assert sum(summary.counts.values()) == 0


def test_docx_with_soft_line_break(dirs):
    import docx

    inp, out = dirs
    src = inp / "linjeskift.docx"
    document = docx.Document()
    p = document.add_paragraph("I dag legede Emma.")
    p.add_run().add_break()
    p.add_run("Senere kom Oliver.")
    document.save(str(src))
    run([src], out)
    paragraphs, _ = docx_texts(out / src.name)
    assert_no_identifiers("\n".join(paragraphs))


def test_csv_multiline_cell_keeps_line_break(dirs):
    inp, out = dirs
    src = inp / "noter.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text"])
        w.writerow(["1", "I dag legede Emma.\nSenere kom Oliver."])
    run([src], out)
    rows = list(csv.DictReader(io.StringIO((out / src.name).read_text(encoding="utf-8"), newline="")))
    assert rows[0]["text"] == "I dag legede [Person 1].\nSenere kom [Person 2]."


def test_jsonl_with_unicode_line_separator(dirs):
    inp, out = dirs
    src = inp / "korpus.jsonl"
    src.write_text(json.dumps({"text": "Emma legede.\u2028Oliver græd."}, ensure_ascii=False) + "\n", encoding="utf-8")
    run([src], out)
    got = json.loads((out / src.name).read_text(encoding="utf-8"))
    assert got["text"] == "[Person 1] legede.\u2028[Person 2] græd."


# --------------------------------------------------------------------------- detect on awkward text


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\t \n "])
def test_empty_text_has_no_spans(text):
    d = detect(text)
    assert d.spans == [] and d.suggestions == []
    assert Pseudonymiser().apply(text, d.spans).text == text


def test_text_with_only_identifiers():
    text = "120318-1234 20456789 mette@example.dk"
    d = detect(text)
    assert [(s.label, text[s.start : s.end]) for s in d.spans] == [
        ("CPR", "120318-1234"), ("PHONE", "20456789"), ("EMAIL", "mette@example.dk")]
    assert Pseudonymiser().apply(text, d.spans).text == "[CPR] [Telefon] [E-mail]"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Emma ringede fra 20 45 67 89. 😀 Emma lo 🎉.", [("PERSON", "Emma"), ("PHONE", "20 45 67 89"), ("PERSON", "Emma")]),
        ("👩‍👧 Zeynep og 🧒🏽 Oliver legede 🏖️ hele dagen.", [("PERSON", "Zeynep"), ("PERSON", "Oliver")]),
        ("أحمد لعب مع Emma i dag, og محمد kom også.", [("PERSON", "Emma")]),
        ("I dag sagde Oleksandr «Привіт» til Zeynep.", [("PERSON", "Oleksandr"), ("PERSON", "Zeynep")]),
        ("小明 og Emma tegnede. Ngày mai kommer Linh.", [("PERSON", "Emma"), ("PERSON", "Linh")]),
        ("Emma\u00a0legede\u00admed Oliver.", [("PERSON", "Emma"), ("PERSON", "Oliver")]),  # NBSP, soft hyphen
    ],
)
def test_emoji_and_mixed_scripts(text, expected):
    d = detect(text)
    for s in d.spans + d.suggestions:
        assert 0 <= s.start < s.end <= len(text)
    got = [(s.label, text[s.start : s.end]) for s in d.spans]
    for item in expected:
        assert item in got
    out = Pseudonymiser().apply(text, d.spans).text
    assert "Emma" not in out and "Oliver" not in out and "Zeynep" not in out


def test_one_megabyte_every_occurrence_replaced():
    paragraph = ("I dag legede Emma og Oliver i sandkassen, og senere kom Zeynep og Abdirahman. "
                 "Emmas mor ringede på 20 45 67 89.\n")
    # a name that only the first chunk gives evidence for ("pædagog Sol"); alone, "Sol." is a mere suggestion
    head = "I dag hjalp pædagog Sol med maden.\n"
    tail = "Sol.\n"
    assert detect(tail).spans == []
    text = head + paragraph * (1_000_000 // len(paragraph) + 1) + tail
    assert len(text) > 1_000_000 and len(text) > 10 * CHUNK_CHARS
    d = detect(text)  # its speed is measured in evaluation/benchmarks/bench_identifiers.py, not here
    n_par = text.count(paragraph)
    result = Pseudonymiser().apply(text, d.spans)
    out = result.text
    for name in ("Emma", "Oliver", "Zeynep", "Abdirahman", "Sol", "20 45 67 89"):
        assert re.search(rf"\b{re.escape(name)}", out) is None, name
    counts = result.counts()
    assert counts["PHONE"] == n_par
    assert counts["PERSON"] == 5 * n_par + 2
    assert out.endswith("[Person 1].\n")


@pytest.mark.parametrize("text, name", [("\u200bEmma legede med Oliver.", "Emma"),
                                        ("I dag legede Emma\u200b med Oliver.", "Emma"),
                                        ("I dag legede Em\u00adma med Oliver.", "Em\u00adma")])
def test_name_with_invisible_character(text, name):
    d = detect(text)
    assert "Oliver" in [text[s.start : s.end] for s in d.spans]
    assert any(name in text[s.start : s.end] for s in d.spans if s.label == "PERSON")
