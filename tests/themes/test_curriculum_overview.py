"""The leader's curriculum overview, the evaluation workbook and the effect view, on stored narratives."""

from __future__ import annotations

import numpy as np
import pytest
from openpyxl import load_workbook

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.store import StoredNarrative
from narrativ_nlp.themes.curriculum_overview import (
    curriculum_summary,
    curriculum_table,
    export_curriculum_workbook,
    neutralise,
    period_of,
    thin_themes,
)
from narrativ_nlp.themes.effect import effect_view


def n(i, date, curriculum, share=None, group="Myretuen", author="P1", text=None, anonymised=True, cats=None):
    profile = None if share is None else {"n_sentences": 5, "resource_share": share, "categories": cats or {}}
    text = text or "[Person 1] klatrede op i stativet og råbte, at hun var højest."
    return StoredNarrative(i, group, date, author, text, anonymised, [], profile, "2026-01-01",
                           curriculum=curriculum if curriculum is not None else [])


@pytest.fixture()
def narratives():
    return [
        n(1, "2026-01-12", ["body", "personal"], 80.0),
        n(2, "2026-02-03", ["social"], 40.0),
        n(3, "2026-02-20", ["body"], 60.0),
        n(4, "2026-04-08", ["nature", "social"], 100.0),
        n(5, "2026-05-15", ["nature"], None),
        n(6, "2026-06-01", [{"theme": "nature", "score": 0.8}], 50.0),
        n(7, None, ["culture"], 20.0),
        n(8, "2026-03-02", None, 70.0),  # stored before curriculum tags existed: no tags
    ]


def test_periods_month_and_quarter():
    assert period_of("2026-05-15", "quarter") == "2026-K2" and period_of("2026-05-15", "month") == "2026-05"
    assert period_of(None, "month") == "uden dato"
    with pytest.raises(NarrativError) as err:
        period_of("2026-05-15", "uge")
    assert err.value.code == "E114"


def test_counts_resource_share_and_thin_per_quarter(narratives):
    t = curriculum_table(narratives, "quarter", thin_below=2)
    assert list(dict.fromkeys(t["period"])) == ["2026-K1", "2026-K2", "uden dato"]
    q1 = t[t["period"] == "2026-K1"].set_index("theme")
    assert q1.loc["body", "narratives"] == 2 and q1.loc["body", "mean_resource_share"] == 70.0
    assert q1.loc["nature", "narratives"] == 0 and q1.loc["nature", "thin"]
    q2 = t[t["period"] == "2026-K2"].set_index("theme")
    assert q2.loc["nature", "narratives"] == 3 and q2.loc["nature", "mean_resource_share"] == 75.0
    thin = thin_themes(narratives, "quarter", thin_below=2)
    assert "nature" in thin["2026-K1"] and "nature" not in thin["2026-K2"] and "body" in thin["2026-K2"]


def test_months_without_narratives_show_as_zero(narratives):
    t = curriculum_table(narratives, "month")
    months = [p for p in dict.fromkeys(t["period"]) if p != "uden dato"]
    assert months == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert t[(t["period"] == "2026-03")]["narratives"].sum() == 0


def test_summary_share_of_tagged_and_trend(narratives):
    s = curriculum_summary(narratives, "quarter").set_index("theme")
    assert s.loc["nature", "narratives"] == 3
    assert s.loc["nature", "share"] == pytest.approx(100 * 3 / 7, abs=0.1)  # of the 7 tagged narratives
    assert s.loc["nature", "trend_per_period"] == 3.0 and s.loc["body", "trend_per_period"] == -2.0


@pytest.mark.parametrize("value, expected", [
    ("=SUM(A1:A3)", "'=SUM(A1:A3)"), ("+45 20 30 40 50", "'+45 20 30 40 50"), ("- Han klatrede", "'- Han klatrede"),
    ("@mor", "'@mor"), ("Leg i sandkassen", "Leg i sandkassen"), (3, 3),
])
def test_formulas_are_neutralised(value, expected):
    assert neutralise(value) == expected


def test_workbook_sheet_per_theme_with_picked_examples_anonymised(narratives, tmp_path, nlp):
    raw = n(9, "2026-05-20", ["nature"], 90.0, text="- Ida Marie fandt en snegl i skoven og viste den til Yusuf.",
            anonymised=False)
    path = export_curriculum_workbook(narratives + [raw], tmp_path / "laereplan.xlsx", {"nature": [4, 9]}, "quarter")
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Om rapporten", "Oversigt"] and "Natur, udeliv og science" in wb.sheetnames
    assert len(wb.sheetnames) == 8
    cells = [str(c.value) for row in wb["Natur, udeliv og science"].iter_rows() for c in row if c.value is not None]
    assert "udvikling" in cells and "eksempel (id)" in cells
    example = next(c for c in cells if "snegl" in c)
    assert example.startswith("'-") and "Ida Marie" not in example and "Yusuf" not in example
    assert not any(str(c).startswith("=") for c in cells)


def test_workbook_unknown_theme_or_narrative_is_a_clear_error(narratives, tmp_path):
    with pytest.raises(NarrativError) as err:
        export_curriculum_workbook(narratives, tmp_path / "x.xlsx", {"science": [1]})
    assert err.value.code == "E115"
    with pytest.raises(NarrativError) as err:
        export_curriculum_workbook(narratives, tmp_path / "x.xlsx", {"nature": [99]})
    assert err.value.code == "E116"


def _effect_data():
    out, k = [], 0
    for group, before, after in (("Myretuen", [30, 40, 35, 45, 30], [60, 70, 65, 75]), ("Bikuben", [50, 55], [52])):
        for v in before:
            k += 1
            out.append(n(k, f"2026-0{1 + k % 3}-10", None, float(v), group, author=f"P{k % 2}",
                         cats={"label": 1} if v < 40 else {}))
        for v in after:
            k += 1
            out.append(n(k, f"2026-0{5 + k % 3}-10", None, float(v), group, author=f"P{k % 2}"))
    return out


def test_effect_view_per_group_with_interval():
    view = effect_view(_effect_data(), "2026-04-01")
    r = view.resource.set_index("group")
    assert list(r.index) == ["Bikuben", "Myretuen", "alle grupper"]
    m = r.loc["Myretuen"]
    assert (m["n_before"], m["n_after"]) == (5, 4)
    assert m["before"] == 36.0 and m["after"] == 67.5 and m["difference"] == 31.5
    assert m["ci_low"] < 31.5 < m["ci_high"] and m["ci_low"] > 0
    assert np.isnan(r.loc["Bikuben", "ci_low"])  # one narrative after: no interval
    d = view.deficit.set_index(["group", "category"])
    assert d.loc[("Myretuen", "label"), "before"] == 60.0 and d.loc[("Myretuen", "label"), "after"] == 0.0
    again = effect_view(_effect_data(), "2026-04-01")
    assert again.resource.equals(view.resource)  # fixed seed


def test_effect_view_no_per_writer_figures_unless_own():
    view = effect_view(_effect_data(), "2026-04-01")
    assert "author" not in view.resource.columns and "author" not in view.deficit.columns
    own = effect_view(_effect_data(), "2026-04-01", author="P1")
    assert own.resource.set_index("group").loc["alle grupper", "n_before"] < 7
    assert any("egne" in note for note in own.notes)


def test_effect_view_bad_date_is_a_danish_error():
    with pytest.raises(NarrativError) as err:
        effect_view(_effect_data(), "1. april")
    assert err.value.code == "E060"
