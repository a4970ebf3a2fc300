"""Overblik's patterns and exports, fast and cached, with the same results as before (issue #16).

The patterns (``narrativ_nlp.overview.discovery.patterns_table``) must equal the clusters table of
``themes.scale.discover_sampled`` on the same stored lemmas, for every selection; they are computed without
spaCy, cached in memory and in the store (emptied when narratives are deleted). The Excel export draws its
charts once per content (``charts.chart_pngs``) and holds exactly the PNG files matplotlib writes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from contextlib import closing

import pandas as pd
import pytest

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.overview import discovery as disc
from narrativ_nlp.overview.tables import clusters_table
from narrativ_nlp.store import NarrativeStore
from narrativ_nlp.themes.scale import anonymised_lemmas, discover_sampled

from ..conftest import CORPORA

ROOMS = ("Myretuen", "Bien", "Solsikken")
K, MIN_N, MIN_SIZE = (3, 8), 30, 5


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    """A store of 180 corpus narratives in three rooms over 2025–2026, with the content lemmas stored as the
    import stores them (``anonymised_lemmas`` of the text)."""
    records = read_corpus(CORPORA / "narratives.train.jsonl")[:180]
    texts = [r.text for r in records]
    lemmas = anonymised_lemmas(texts)
    path = tmp_path_factory.mktemp("fast") / "narrativer.sqlite3"
    rows = [{"text": t, "group": ROOMS[i % 3], "date": f"{2025 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}",
             "lemmas": lem} for i, (t, lem) in enumerate(zip(texts, lemmas))]
    with closing(NarrativeStore(path)) as store:
        assert store.add_many(rows) == (180, 0)
    return str(path)


def _selections(db: str) -> dict[str, list]:
    with closing(NarrativeStore(db)) as store:
        out = {"alle": store.narratives(), "2025": store.narratives(since="2025-01-01", until="2025-12-31")}
        for room in ROOMS:
            out[room] = store.narratives(group=room)
    return out


def _before(narratives) -> pd.DataFrame:
    """The clusters table as the Overblik computed it before (``themes.scale.discover_sampled``)."""
    found = discover_sampled([n.lemmas for n in narratives], k_range=K, min_narratives=MIN_N, min_cluster_size=MIN_SIZE)
    return clusters_table(found, [n.id for n in narratives])


def _after(narratives, db=None) -> pd.DataFrame:
    return disc.patterns_table([n.lemmas for n in narratives], [n.id for n in narratives], K, min_narratives=MIN_N,
                               min_cluster_size=MIN_SIZE, db=db)


def test_patterns_equal_the_previous_clustering_for_every_selection(fixture_db):
    disc.forget_patterns()
    for name, narratives in _selections(fixture_db).items():
        before, after = _before(narratives), _after(narratives)
        assert len(after) >= 2, name  # real patterns, not an empty table on both sides
        pd.testing.assert_frame_equal(after, before, check_exact=True, obj=name)
    # deterministic: computed again from scratch, the same table
    disc.forget_patterns()
    pd.testing.assert_frame_equal(_after(narratives), before, check_exact=True, obj=name)


def test_sample_size_agrees_with_the_library():
    from narrativ_nlp.themes.scale import DISCOVERY_SAMPLE

    assert disc.DISCOVERY_SAMPLE == DISCOVERY_SAMPLE


def test_cached_in_memory_per_selection_content(fixture_db, monkeypatch):
    narratives = _selections(fixture_db)["Bien"]
    disc.forget_patterns()
    first = _after(narratives)
    calls = []
    real = disc.discover_lemmas
    monkeypatch.setattr(disc, "discover_lemmas", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = _after(narratives)
    pd.testing.assert_frame_equal(again, first)
    assert calls == []  # from memory
    again.loc[0, "top_terms"] = "ændret"  # a copy: the cached table is not changed by the caller
    pd.testing.assert_frame_equal(_after(narratives), first)
    # one narrative's lemmas differ (a different selection content): computed again
    lemmas = [n.lemmas for n in narratives]
    lemmas[0] = lemmas[0] + " vandpyt"
    disc.patterns_table(lemmas, [n.id for n in narratives], K, min_narratives=MIN_N, min_cluster_size=MIN_SIZE)
    assert calls == [1]


def test_kept_in_the_store_and_emptied_by_a_deletion(fixture_db, tmp_path, monkeypatch):
    import shutil

    db = str(tmp_path / "kopi.sqlite3")
    shutil.copy(fixture_db, db)
    narratives = _selections(db)["alle"]
    disc.forget_patterns()
    first = _after(narratives, db=db)
    with closing(NarrativeStore(db)) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM derived WHERE kind = 'patterns'").fetchone()[0] == 1
    # another process (or the app after a restart): nothing in memory, the store has it
    disc.forget_patterns()
    monkeypatch.setattr(disc, "discover_lemmas", lambda *a, **k: pytest.fail("computed again"))
    pd.testing.assert_frame_equal(_after(narratives, db=db), first, check_exact=True)
    monkeypatch.undo()
    # a deletion empties what was derived from the stored narratives (store and memory)
    from narrativ_nlp.workflows.admin import DeleteSelection, delete

    assert delete(DeleteSelection(group="Bien"), db) == 60
    with closing(NarrativeStore(db)) as store:
        assert store.conn.execute("SELECT COUNT(*) FROM derived").fetchone()[0] == 0
    assert not disc._patterns_memory


def test_patterns_load_no_spacy(fixture_db, tmp_path):
    """The patterns of stored lemmas need neither spaCy nor the pipeline (a fresh process)."""
    narratives = _selections(fixture_db)["alle"]
    data = tmp_path / "lemmas.json"
    data.write_text(json.dumps({"lemmas": [n.lemmas for n in narratives], "ids": [n.id for n in narratives]}))
    code = (
        "import json, sys\n"
        "from narrativ_nlp.workflows.records import patterns_table\n"
        f"d = json.load(open({str(data)!r}))\n"
        f"t = patterns_table(d['lemmas'], d['ids'], {K!r}, min_narratives={MIN_N}, min_cluster_size={MIN_SIZE})\n"
        "print(json.dumps({'spacy': 'spacy' in sys.modules, 'torch': 'torch' in sys.modules, 'rows': len(t),\n"
        "                  'top': list(t['top_terms'])}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["spacy"] is False and result["torch"] is False
    assert result["top"] == list(_before(narratives)["top_terms"])


def test_excel_charts_are_the_pngs_matplotlib_writes(fixture_db, tmp_path):
    from openpyxl import load_workbook

    from narrativ_nlp.overview import build_overview, chart_pngs, export_excel, figures
    from narrativ_nlp.overview.charts import forget_charts

    with closing(NarrativeStore(fixture_db)) as store:
        ov = build_overview(store)
    reference = []
    for fig in figures(ov).values():  # the export's charts as written before: savefig per figure
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        reference.append(buf.getvalue())
    forget_charts()
    cold = export_excel(ov, tmp_path / "kold.xlsx")
    warm = export_excel(ov, tmp_path / "varm.xlsx")  # the charts from memory
    assert list(chart_pngs(ov).values()) == reference
    books = [load_workbook(p) for p in (cold, warm)]
    assert books[0].sheetnames == books[1].sheetnames and books[0].sheetnames[-1] == "Diagrammer"
    for name in books[0].sheetnames:
        rows = [[[c.value for c in r] for r in b[name].iter_rows()] for b in books]
        if name == "Om rapporten":  # the time the report was made (to the minute) may differ
            rows = [[r for r in rs if r[0] != "Lavet"] for rs in rows]
        assert rows[0] == rows[1], name
    for book in books:
        assert [img._data() for img in book["Diagrammer"]._images] == reference
    # other tables (another selection): other charts
    with closing(NarrativeStore(fixture_db)) as store:
        other = build_overview(store, group="Bien")
    assert list(chart_pngs(other).values()) != reference


def test_warm_overview_computes_the_first_patterns_and_charts_ahead(fixture_db, tmp_path, monkeypatch):
    import shutil

    from narrativ_nlp.overview import build_overview
    from narrativ_nlp.overview import charts as charts_mod
    from narrativ_nlp.workflows.records import warm_overview

    db = str(tmp_path / "varm.sqlite3")
    shutil.copy(fixture_db, db)
    disc.forget_patterns()
    charts_mod.forget_charts()
    assert warm_overview(db, K, MIN_N, MIN_SIZE) == {"patterns": 1, "charts": 1}  # every group together
    assert warm_overview(db, K, MIN_N, MIN_SIZE, max_selections=4) == {"patterns": 4, "charts": 1}  # + three rooms
    selections = _selections(db)
    expected = {name: _before(selections[name]) for name in ("alle", "Solsikken")}
    monkeypatch.setattr(disc, "discover_lemmas", lambda *a, **k: pytest.fail("computed again"))
    for name, table in expected.items():
        pd.testing.assert_frame_equal(_after(selections[name]), table, check_exact=True, obj=name)
    with closing(NarrativeStore(db)) as store:
        ov = build_overview(store)
    monkeypatch.setattr(charts_mod, "FIGURES", {})  # nothing can be drawn now: the charts must be kept
    assert len(charts_mod.chart_pngs(ov)) == 4
