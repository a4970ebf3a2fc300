"""Batch tagging equals ``ThemeTagger.tag``; sampled discovery; the new CLI commands end to end."""

from __future__ import annotations

import json

import pytest

from narrativ_nlp import cli
from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.themes.scale import anonymised_lemmas, discover_sampled, strip_placeholders, tag_many

from ..conftest import CORPORA
from .conftest import NAMES, TEXTS


@pytest.fixture(scope="module")
def corpus_lemmas():
    return anonymised_lemmas([r.text for r in read_corpus(CORPORA / "narratives.dev.jsonl")])


def test_placeholders_are_not_lemmas():
    assert strip_placeholders("[Person 12] gav [CPR] til ■■■■ og [Institution 2].").split() == ["gav", "til", "og", "."]
    (lemmas,) = anonymised_lemmas(["[Person 1] og [Person 2] byggede en hule i sandkassen."])
    assert "person" not in lemmas.split() and "sandkasse" in lemmas.split()


def test_tag_many_equals_tagger_tag(corpus_lemmas):
    from narrativ_nlp.themes.tagger import default_tagger

    tagger = default_tagger()
    assert tag_many(tagger, corpus_lemmas, batch_size=7) == tagger.tag(corpus_lemmas)


def test_discover_sampled_places_every_narrative_reproducibly(corpus_lemmas):
    lemmas = corpus_lemmas * 2
    # 60: patterns need a sample of at least 30 narratives and clusters of at least 5
    a = discover_sampled(lemmas, k_range=(3, 5), sample=60)
    b = discover_sampled(lemmas, k_range=(3, 5), sample=60)
    assert a == b
    assert len(a.labels) == len(lemmas) and sum(c.size for c in a.clusters) == len(lemmas)
    assert 3 <= a.k <= 5 and "stikprøve af 60" in a.note
    assert discover_sampled(lemmas[:3]).clusters == ()  # too few: no clustering, with a note


def test_cli_import_overview_and_themes(tmp_path, capsys):
    db = str(tmp_path / "cli.sqlite3")
    src = tmp_path / "in.jsonl"
    dates = ["2026-01-05", "2026-01-20", "2026-02-11", "2026-03-02"]
    rows = [{"text": t, "date": d} for t, d in zip(TEXTS + [TEXTS[0] + " Bagefter sang vi."], dates)]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert cli.main(["import", str(src), "--group", "Stue Myretuen", "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["stored"] == 4 and report["groups"] == {"Stue Myretuen": 4}
    assert cli.main(["import", str(src), "--group", "Stue Myretuen", "--db", db, "--quiet"]) == 0
    assert "Dubletter (ikke gemt igen): 4" in capsys.readouterr().out

    out = tmp_path / "report.xlsx"
    assert cli.main(["overview", "--group", "Stue Myretuen", "--since", "2026-01-10", "--out", str(out),
                     "--qdc", str(tmp_path / "book.qdc"), "--db", db]) == 0
    text = capsys.readouterr().out
    assert "Narrativer: 3" in text and out.is_file() and (tmp_path / "book.qdc").is_file()
    assert not any(name in text for name in NAMES)

    assert cli.main(["themes", "--group", "Stue Myretuen", "--db", db, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["tags"]) == 4 and result["discovery"]["k"] >= 0
    assert cli.main(["themes", "--group", "Ingen", "--db", db]) == 0
    assert "findes ikke" in capsys.readouterr().out
    empty = tmp_path / "tom.xlsx"
    assert cli.main(["overview", "--group", "Findesikke", "--out", str(empty), "--db", db]) == 1
    assert "ingen narrativer i gruppen »Findesikke«" in capsys.readouterr().err and not empty.exists()
    assert cli.main(["overview", "--group", "Stue Myretuen", "--since", "i går", "--out", str(out), "--db", db]) == 2
    assert "ÅÅÅÅ-MM-DD" in capsys.readouterr().err
    assert cli.main(["themes", "--db", db]) == 2


def test_cli_themes_file_form_still_works(tmp_path, capsys):
    path = tmp_path / "one.txt"
    path.write_text(TEXTS[0], encoding="utf-8")
    assert cli.main(["themes", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["tags"][0]["id"] == "one.txt" and result["tags"][0]["themes"]
