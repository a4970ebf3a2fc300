"""Exports: no live formula in Excel or CSV (OWASP CSV injection), and no silent overwrite."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.io.tabular_safe import is_formula_like, neutralise, neutralise_frame, neutralise_worksheet
from narrativ_nlp.overview import build_overview, export, export_csv, export_excel, export_qdc, save_figures
from narrativ_nlp.store import NarrativeStore
from narrativ_nlp.themes.codebook import ThemeCodebook

EVIL_GROUP = '=HYPERLINK("http://x")'
EVIL = [EVIL_GROUP, "+45 12 34 56 78", "-2+3", "@SUM(A1:A2)", "\t=1+1", " =CMD|' /C calc'!A0"]


@pytest.fixture
def evil_store(tmp_path):
    store = NarrativeStore(tmp_path / "evil.sqlite3")
    themes = [{"theme": "play", "label": "play", "score": 0.9, "words": []},
              {"theme": "=1+1", "label": "=HYPERLINK(\"http://y\")", "score": 0.5, "words": []}]
    rows = [{"text": f"[Person 1] legede med bolden i gården, gang {k}.", "group": g, "date": "2026-02-0" + str(k + 1),
             "author": "=2*3" if k == 0 else "@P2", "themes": themes,
             "profile": {"n_sentences": 2, "n_deficit_sentences": 0, "n_resource_sentences": 1,
                         "resource_share": 100.0}}
            for k, g in enumerate(EVIL)]
    assert store.add_many(rows) == (len(EVIL), 0)
    yield store
    store.close()


def test_formula_like_cells():
    for v in EVIL + ["=", "-", "＝SUM(1)"]:
        assert is_formula_like(v), v
        assert neutralise(v) == "'" + v
    for v in ["Stue Solsikken", "", "P-2", "2026-02-01", 12, -3.5, None, "'=allerede"]:
        assert not is_formula_like(v)
        assert neutralise(v) == v  # numbers stay numbers, ordinary text untouched


def test_frame_and_worksheet_helpers():
    df = pd.DataFrame({"gruppe": [EVIL_GROUP, "Stue A"], "=x": [-1, 2]})
    safe = neutralise_frame(df)
    assert safe["gruppe"].tolist() == ["'" + EVIL_GROUP, "Stue A"]
    assert safe.columns.tolist() == ["gruppe", "'=x"] and safe["'=x"].tolist() == [-1, 2]
    assert df["gruppe"][0] == EVIL_GROUP  # the input is not changed
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = EVIL_GROUP
    ws["A2"] = 5
    assert ws["A1"].data_type == "f"  # what openpyxl does on its own
    assert neutralise_worksheet(ws) == 1
    assert ws["A1"].data_type == "s" and ws["A1"].value == EVIL_GROUP and ws["A2"].value == 5


def test_excel_export_has_no_live_formula(evil_store, tmp_path):
    path = export_excel(build_overview(evil_store), tmp_path / "rapport.xlsx", charts=False)
    wb = openpyxl.load_workbook(path)
    formulas, seen = [], set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append((ws.title, cell.coordinate))
                if isinstance(cell.value, str):
                    seen.add(cell.value)
    assert formulas == []
    # the text itself is kept, as text (the sheets that name groups and the about sheet)
    assert EVIL_GROUP in seen and "@SUM(A1:A2)" in seen and "=2*3" in seen
    assert wb["Narrativer"]["B2"].value in EVIL and wb["Narrativer"]["B2"].data_type == "s"
    # the raw XML holds no <f> element at all
    with zipfile.ZipFile(path) as zf:
        assert not any(b"<f>" in zf.read(n) or b"<f " in zf.read(n) for n in zf.namelist()
                       if n.startswith("xl/worksheets/"))


def _csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def test_csv_export_has_no_live_formula(evil_store, tmp_path):
    ov = build_overview(evil_store)
    (z,) = export_csv(ov, tmp_path / "rapport.zip")
    cells = []
    with zipfile.ZipFile(z) as zf:
        for name in zf.namelist():
            cells += _csv_cells(zf.read(name))
    files = export_csv(ov, tmp_path / "rapport.csv")
    for f in files:
        cells += _csv_cells(f.read_bytes())
    live = [c for c in cells if is_formula_like(c)]
    assert live == []
    assert "'" + EVIL_GROUP in cells and "'=2*3" in cells and "'@P2" in cells
    assert any(c == "'=HYPERLINK(\"http://y\")" for c in cells)  # a theme label used as a heading
    assert "100.0" in cells  # numbers are left as they are


def test_exports_refuse_to_overwrite_unless_forced(small_store, tmp_path):
    ov = build_overview(small_store)
    leader = tmp_path / "ledelsens-regneark.xlsx"
    leader.write_bytes(b"the leader's own workbook")
    for call in (lambda f: export(ov, leader, force=f), lambda f: export_excel(ov, leader, charts=False, force=f)):
        with pytest.raises(NarrativError) as exc:
            call(False)
        assert exc.value.code == "E043" and "overskrevet" in str(exc.value)
        assert leader.read_bytes() == b"the leader's own workbook"
    export(ov, leader, force=True)
    assert openpyxl.load_workbook(leader).sheetnames[0] == "Om rapporten"

    text = tmp_path / "noter.qdc"
    text.write_text("mine noter", encoding="utf-8")
    with pytest.raises(NarrativError):
        export_qdc(ThemeCodebook.default(), text)
    assert text.read_text(encoding="utf-8") == "mine noter"
    assert export_qdc(ThemeCodebook.default(), text, force=True).read_text(encoding="utf-8").startswith("<?xml")

    (z,) = export(ov, tmp_path / "r.zip")
    with pytest.raises(NarrativError):
        export(ov, z)
    # one existing file among the per-table CSV files: none is written
    one = tmp_path / "r_narratives.csv"
    one.write_text("gammel", encoding="utf-8")
    with pytest.raises(NarrativError) as exc:
        export(ov, tmp_path / "r.csv")
    assert "r_narratives.csv" in str(exc.value)
    assert sorted(p.name for p in tmp_path.glob("r_*.csv")) == ["r_narratives.csv"]
    assert len(export(ov, tmp_path / "r.csv", force=True)) == 10
    assert one.read_text(encoding="utf-8-sig").startswith("id,")

    charts = save_figures(ov, tmp_path / "diagrammer")
    with pytest.raises(NarrativError):
        save_figures(ov, tmp_path / "diagrammer")
    assert save_figures(ov, tmp_path / "diagrammer", force=True) == charts
    assert not list(tmp_path.rglob(".narrativ-*"))  # no temporary file left behind
