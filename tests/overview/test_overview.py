"""The overview tables on a hand-made store with known counts; empty and tiny groups; exports."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from narrativ_nlp.overview import NO_DATE, TABLES, build_overview, export, export_qdc, save_figures, themes_from_store
from narrativ_nlp.themes.codebook import ThemeCodebook


def row(df, **where):
    sub = df
    for k, v in where.items():
        sub = sub[sub[k] == v]
    assert len(sub) == 1, where
    return sub.iloc[0]


def test_counts_per_theme_group_and_month(small_store):
    ov = build_overview(small_store)
    assert ov.n_narratives == 5 and not ov.is_empty
    t = ov["per_theme"]
    assert (row(t, theme="play").first_theme, row(t, theme="play").any_theme) == (2, 3)
    assert (row(t, theme="relations").first_theme, row(t, theme="relations").any_theme) == (1, 2)
    assert (row(t, theme="language").first_theme, row(t, theme="conflict").any_theme) == (1, 1)
    assert row(t, theme="play").share_any == 60.0
    assert row(t, theme="play").label == "Leg"  # labels from the codebook
    assert t["first_theme"].sum() == 5
    g = ov["per_group_month"]
    assert [tuple(r) for r in g.itertuples(index=False)] == [
        ("A", "2026-01", 2), ("A", "2026-02", 1), ("A", NO_DATE, 1), ("B", "2026-02", 1)]
    m = ov["themes_per_month"].set_index("month")
    assert list(m.index) == ["2026-01", "2026-02", NO_DATE]
    assert m.loc["2026-01", "Leg"] == 2 and m.loc["2026-02", "Leg"] == 1 and m.loc[NO_DATE, "Relationer og venskaber"] == 1
    long = ov["theme_group_month"]
    assert tuple(row(long, group="A", month="2026-02", theme="play")[["first_theme", "any_theme"]]) == (0, 1)
    assert any("ingen dato" in n for n in ov.notes)


def test_resource_share_per_theme_and_month(small_store):
    ov = build_overview(small_store)
    play = row(ov["resource_per_theme"], theme="play")
    # narratives 1-3; the third has no share (no framed sentences): mean of 75 and 50
    assert (play.narratives, play.with_profile, play.mean_resource_share) == (3, 2, 62.5)
    assert play.sentence_weighted_share == pytest.approx(66.7)  # (3+1+0) / (1+3 + 1+1 + 0)
    assert math.isnan(row(ov["resource_per_theme"], theme="motor").mean_resource_share)
    months = ov["resource_per_month"].set_index("month")
    assert months.loc["2026-01", "mean_resource_share"] == 62.5
    assert months.loc["2026-02", "mean_resource_share"] == 25.0  # only narrative 4 has a share
    assert months.loc["2026-02", "sentence_weighted_share"] == 25.0
    assert months.loc[NO_DATE, "with_profile"] == 0


def test_cooccurrence_matrix(small_store):
    c = build_overview(small_store)["cooccurrence"].set_index("label")
    assert c.loc["Leg", "Leg"] == 3 and c.loc["Leg", "Relationer og venskaber"] == 1
    assert c.loc["Leg", "Sprog og kommunikation"] == 1 and c.loc["Konflikter", "Leg"] == 0
    assert (c.to_numpy() == c.to_numpy().T).all()


def test_filters_by_group_and_period(small_store):
    ov = build_overview(small_store, group="A", since="2026-01-15")
    assert ov.n_narratives == 2  # an undated narrative is outside any period
    assert set(ov["per_group_month"]["month"]) == {"2026-01", "2026-02"}
    assert build_overview(small_store, group="A", until="2026-01-31").n_narratives == 2
    assert build_overview(small_store, group="B").n_narratives == 1


@pytest.mark.parametrize("group, since, expected", [
    ("Findes ikke", None, "findes ikke"),
    ("B", "2027-01-01", "har ingen narrativer fra 2027-01-01"),
])
def test_empty_group_clear_message_and_empty_frames(small_store, tmp_path, group, since, expected):
    ov = build_overview(small_store, group=group, since=since, discover=True)
    assert ov.is_empty and expected in ov.message
    for key in TABLES:
        assert key in ov.tables
    assert ov["per_group_month"].empty and ov["narratives"].empty and ov["resource_per_month"].empty
    assert ov["per_theme"]["any_theme"].sum() == 0
    # exports and charts still work on an empty overview
    (xlsx,) = export(ov, tmp_path / "empty.xlsx")
    assert xlsx.is_file()
    assert all(p.stat().st_size > 0 for p in save_figures(ov, tmp_path / "charts"))
    result = themes_from_store(small_store, group, since)
    assert result["tags"] == [] and expected in result["message"]


def test_one_to_three_narratives_no_clustering(small_store):
    ov = build_overview(small_store, group="A", since="2026-01-15", discover=True)
    assert ov.n_narratives == 2
    assert ov["clusters"].empty
    assert any("Ingen temafund" in n and "For få narrativer" in n for n in ov.notes)
    result = themes_from_store(small_store, "B")
    assert len(result["tags"]) == 1 and result["discovery"]["clusters"] == []
    assert "For få narrativer" in result["discovery"]["note"]


def test_excel_has_one_sheet_per_table(small_store, tmp_path):
    import openpyxl

    (path,) = export(build_overview(small_store), tmp_path / "report.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Om rapporten", *TABLES.values(), "Diagrammer"]
    assert all(len(name) <= 31 for name in wb.sheetnames)
    sheet = pd.read_excel(path, sheet_name="Temaer")
    assert sheet.loc[sheet["tema-id"] == "play", "som et af temaerne"].item() == 3
    assert len(wb["Diagrammer"]._images) == 4


def test_csv_exports_zip_and_files(small_store, tmp_path):
    ov = build_overview(small_store)
    (z,) = export(ov, tmp_path / "report.zip")
    with zipfile.ZipFile(z) as zf:
        assert {f"{k}.csv" for k in TABLES} | {"om_rapporten.csv"} == set(zf.namelist())
    files = export(ov, tmp_path / "report.csv")
    assert len(files) == len(TABLES) + 1
    per_theme = pd.read_csv(tmp_path / "report_per_theme.csv", encoding="utf-8-sig")
    assert per_theme.loc[per_theme["tema-id"] == "play", "som første tema"].item() == 2
    assert "Fællesskab og deltagelse" in per_theme["tema"].tolist()  # æøå survive
    with pytest.raises(ValueError):
        export(ov, tmp_path / "report.pdf")


def test_codebook_qdc_parses(tmp_path):
    path = export_qdc(ThemeCodebook.default(), tmp_path / "book.qdc")
    root = ET.parse(path).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    names = [c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert "Leg" in names and len(names) == 10


def test_charts_are_png(small_store, tmp_path):
    paths = save_figures(build_overview(small_store), tmp_path / "charts")
    assert [p.name for p in paths] == ["narrativer_pr_tema.png", "temaer_pr_maaned.png", "ressourceandel_over_tid.png",
                                       "ressourceandel_pr_tema.png"]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)


def test_bar_charts_draw_the_tables(small_store):
    from narrativ_nlp.overview import figure_per_theme, figure_resource_per_theme

    ov = build_overview(small_store)
    occurring = ov.tables["per_theme"].query("any_theme > 0")
    bars = figure_per_theme(ov).axes[0].patches
    assert sorted(b.get_width() for b in bars) == sorted(occurring["any_theme"].tolist())
    shares = ov.tables["resource_per_theme"].dropna(subset=["mean_resource_share"]).query("narratives > 0")
    bars = figure_resource_per_theme(ov).axes[0].patches
    assert sorted(round(b.get_width(), 6) for b in bars) == sorted(round(v, 6) for v in shares["mean_resource_share"])


def test_bar_charts_say_no_data_for_an_empty_selection(small_store):
    from narrativ_nlp.overview import figure_per_theme, figure_resource_per_theme

    ov = build_overview(small_store, group="Findes ikke")
    for make in (figure_per_theme, figure_resource_per_theme):
        ax = make(ov).axes[0]
        assert not ax.patches and any(t.get_text() == "Ingen data" for t in ax.texts)
