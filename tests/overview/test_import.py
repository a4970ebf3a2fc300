"""``import_files``: every source type, anonymisation first, duplicates, bad dates, bad files."""

from __future__ import annotations

import json

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.importer import import_files, normalise_date
from narrativ_nlp.store import NarrativeStore

from .conftest import NAMES, TEXTS


@pytest.fixture
def store(tmp_path):
    s = NarrativeStore(tmp_path / "n.sqlite3")
    yield s
    s.close()


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def assert_no_names(store):
    for n in store.narratives():
        for name in NAMES:
            assert name not in n.text, f"{name} reached the store"
            assert name not in (n.author or "")


def test_import_jsonl_anonymises_tags_and_profiles(tmp_path, store):
    src = write_jsonl(tmp_path / "in.jsonl", [
        {"text": TEXTS[0], "group": "Stue Myretuen", "date": "2026-01-12", "author": "P2"},
        {"text": TEXTS[1], "group": "Stue Myretuen", "date": "2026-02-03", "author": "Emma Hansen"},
    ])
    report = import_files([src], store)
    assert (report.read, report.stored, report.duplicates, report.files) == (2, 2, 0, 1)
    assert report.replaced["PERSON"] >= 5
    assert_no_names(store)
    first, second = store.narratives(group="Stue Myretuen")
    assert "[Person 1]" in first.text and first.anonymised and first.date == "2026-01-12"
    assert first.author == "P2"  # an author code stays
    assert second.author != "Emma Hansen"  # a name in the author field does not
    assert first.themes and {"theme", "label", "score", "words"} <= set(first.themes[0])
    assert first.profile["n_sentences"] == 3 and "resource_share" in first.profile
    # the report holds counts, never text
    dumped = json.dumps(report.to_dict(), ensure_ascii=False) + "\n".join(report.lines_da())
    assert not any(name in dumped for name in NAMES) and "sandkassen" not in dumped


def test_import_csv_semicolon_with_columns_and_group_override(tmp_path, store):
    src = tmp_path / "in.csv"
    src.write_text("text;group;date;author\n"
                   f"\"{TEXTS[0]}\";Stue A;2026-03-01;P1\n"
                   f"\"{TEXTS[2]}\";Stue B;;P4\n", encoding="utf-8")
    report = import_files([src], store)
    assert report.stored == 2 and report.groups == {"Stue A": 1, "Stue B": 1}
    assert [n.date for n in store.narratives(group="Stue B")] == [None]
    assert_no_names(store)
    other = NarrativeStore(tmp_path / "other.sqlite3")
    assert import_files([src], other, group="Stue C").groups == {"Stue C": 2}  # --group wins
    other.close()


def test_import_docx_paragraphs_and_tables(tmp_path, store):
    import docx

    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "Børnehuset Mælkebøtten"
    doc.add_paragraph("Emma byggede en hule med Noah i sandkassen.")
    doc.add_paragraph("De grinede og hjalp hinanden.")
    table = doc.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "Noah sagde: Nu er det min tur."
    doc.save(tmp_path / "obs.docx")
    report = import_files([tmp_path / "obs.docx"], store, group="Stue D")
    assert report.stored == 1
    (n,) = store.narratives(group="Stue D")
    assert "hjalp hinanden" in n.text and "min tur" in n.text and "Mælkebøtten" not in n.text
    assert_no_names(store)


def test_import_txt_folder(tmp_path, store):
    folder = tmp_path / "noter"
    folder.mkdir()
    for k, text in enumerate(TEXTS):
        (folder / f"{k}.txt").write_text(text, encoding="utf-8")
    (folder / "ignore.md").write_text("Emma", encoding="utf-8")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    report = import_files([folder], store, group="Stue E")
    assert (report.files, report.read, report.stored, report.empty) == (4, 4, 3, 1)
    assert len(store.narratives(group="Stue E")) == 3
    assert_no_names(store)


def test_duplicate_import_not_stored_twice(tmp_path, store):
    src = write_jsonl(tmp_path / "a.jsonl", [{"text": TEXTS[0]}, {"text": TEXTS[1]}])
    assert import_files([src], store).stored == 2
    again = import_files([src], store)
    assert (again.stored, again.duplicates) == (0, 2)
    # the same narrative in another batch gets other placeholder numbers: still a duplicate
    other = write_jsonl(tmp_path / "b.jsonl", [{"text": TEXTS[2]}, {"text": TEXTS[1]}, {"text": TEXTS[2]}])
    report = import_files([other], store)
    assert (report.stored, report.duplicates) == (1, 2)
    assert store.count() == 3


def test_malformed_dates_reported_and_stored_without_date(tmp_path, store):
    src = write_jsonl(tmp_path / "d.jsonl", [
        {"text": TEXTS[0], "date": "2026-01-05"},
        {"text": TEXTS[1], "date": "i går var Emma syg"},
        {"text": TEXTS[2], "date": "03-09-2025"},
        {"text": TEXTS[0], "date": "31-02-2026", "group": "H"},
    ])
    report = import_files([src], store, group="G")
    assert report.stored == 4
    # a cell that is no date may hold narrative text: the report never repeats it
    assert report.malformed_dates == [{"source": "d.jsonl:2", "value": "(ikke en dato)"},
                                      {"source": "d.jsonl:4", "value": "31-02-2026"}]
    assert report.converted_dates == 1
    assert sorted(n.date or "" for n in store.narratives()) == ["", "", "2025-09-03", "2026-01-05"]
    assert not any("Emma" in line for line in report.lines_da())
    assert any("Ugyldige datoer" in line for line in report.lines_da())


@pytest.mark.parametrize("value, expected", [("2026-02-03", "2026-02-03"), ("2026-02-03 00:00:00", "2026-02-03"),
                                             ("3.2.2026", "2026-02-03"), ("", None), (None, None)])
def test_normalise_date(value, expected):
    assert normalise_date(value)[0] == expected


@pytest.mark.parametrize("bad", ["31-02-2026", "2026/13/01", "snart"])
def test_normalise_date_rejects(bad):
    with pytest.raises(NarrativError):
        normalise_date(bad)


def test_bad_files_clear_errors_and_nothing_stored(tmp_path, store):
    good = write_jsonl(tmp_path / "ok.jsonl", [{"text": TEXTS[0]}])
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("id,navn\n1,A\n", encoding="utf-8")  # no text column narrativ knows
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip")
    bad_json = tmp_path / "bad.jsonl"
    bad_json.write_text('{"text": "a"}\n{"text": ', encoding="utf-8")
    for path, code in [(bad_csv, "E048"), (broken, "E080"), (bad_json, "E011"), (tmp_path / "x.pdf", "E001")]:
        with pytest.raises(NarrativError) as exc:
            import_files([good, path], store)
        assert exc.value.code == code
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(NarrativError) as exc:
        import_files([tmp_path / "x.pdf"], store)
    assert exc.value.code == "E041"
    assert store.count() == 0  # every file is read before anything is stored
