"""Overblik's tables computed in one pass equal the tables by their definition (one subset per month/theme).

The one-pass versions (``_share_stats_by``, groupby counts, the (narrative, theme) rows built once) exist for
speed (bench_app_overview.py); here they are checked against ``_share_stats`` of each subset and against a
crosstab, on stored narratives with missing dates, missing profiles and repeated themes.
"""

from __future__ import annotations

import math

import pandas as pd

from narrativ_nlp.overview import tables as t
from narrativ_nlp.store import StoredNarrative


def _narrative(i: int, date: str | None, themes: list[str], profile: dict | None) -> StoredNarrative:
    return StoredNarrative(i, "Myretuen" if i % 2 else "Bien", date, None, "[Person 1] legede.", True,
                           [{"theme": x, "label": x.title()} for x in themes], profile, "2026-01-01", None, [], None)


def _frame() -> pd.DataFrame:
    p = lambda d, r, s: {"n_sentences": d + r + 1, "n_deficit_sentences": d, "n_resource_sentences": r,  # noqa: E731
                         "resource_share": s}
    rows = [
        _narrative(1, "2025-09-03", ["leg", "venskab"], p(2, 1, 33.3)),
        _narrative(2, "2025-09-20", ["leg"], p(0, 3, 100.0)),
        _narrative(3, "2025-11-02", ["venskab", "leg", "venskab"], p(1, 1, 50.0)),  # a theme twice
        _narrative(4, None, ["motorik"], None),  # no date, no profile
        _narrative(5, "2025-11-30", [], p(3, 0, 0.0)),  # no theme
        _narrative(6, "2026-01-15", ["motorik", "leg"], p(0, 0, None)),  # a profile without a share
    ]
    return t.narratives_frame(rows)


def _same(a: dict, b: dict) -> bool:
    return all(a[k] == b[k] or (isinstance(a[k], float) and math.isnan(a[k]) and math.isnan(b[k])) for k in a)


def test_resource_per_month_equals_share_stats_of_each_month():
    df = _frame()
    table = t.resource_per_month(df)
    months = list(table["month"])
    assert months == ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", t.NO_DATE]  # gaps filled, no date last
    for row in table.to_dict("records"):
        expected = t._share_stats(df[df["month"] == row["month"]])
        assert _same({k: row[k] for k in expected}, expected), row["month"]
    assert table.loc[table["month"] == "2025-10", "narratives"].item() == 0


def test_resource_per_theme_equals_share_stats_of_each_theme():
    df = _frame()
    ids = ["leg", "venskab", "motorik", "sprog"]
    table = t.resource_per_theme(df, ids, {i: i.title() for i in ids})
    for row in table.to_dict("records"):
        sub = df[df["themes"].map(lambda ts, i=row["theme"]: i in ts)]
        expected = t._share_stats(sub)
        assert _same({k: row[k] for k in expected}, expected), row["theme"]
    assert table.set_index("theme").loc["leg", "narratives"] == 4  # counted once where the theme repeats
    assert table.set_index("theme").loc["sprog", "narratives"] == 0


def test_theme_tables_equal_crosstab_and_named_aggregation():
    df = _frame()
    ids = ["leg", "venskab", "motorik"]
    labels = {i: i.title() for i in ids}
    ex = t._exploded(df)
    months = t._months_sorted(list(df["month"]))
    by_month = t.themes_per_month(df, ids, labels)
    expected = pd.crosstab(ex["month"], ex["theme"]).reindex(index=months, columns=ids, fill_value=0).astype(int)
    assert by_month.drop(columns="month").to_numpy().tolist() == expected.to_numpy().tolist()
    assert list(by_month["month"]) == months
    tgm = t.theme_group_month(df, labels)
    named = ex.groupby(["group", "month", "theme"]).agg(first_theme=("is_first", "sum"), any_theme=("id", "size"))
    assert tgm.set_index(["group", "month", "theme"])[["first_theme", "any_theme"]].equals(
        named.astype({"first_theme": int}))
    assert t.themes_per_month(df, ids, labels, ex).equals(by_month)  # the rows built once give the same table
