"""The exported charts (matplotlib, in the Excel file and as PNG) label counts with whole numbers only: a group
with one or two narratives a month gets no tick at 0,5 (issue #16, "Danish everywhere": the charts)."""

from __future__ import annotations

import re

from narrativ_nlp.overview import build_overview
from narrativ_nlp.overview.charts import figure_per_theme, figure_themes_per_month

from ..overview.conftest import make_store


def _tick_values(ax) -> list[float]:
    lo, hi = ax.get_ylim()
    return [t for t in ax.get_yticks() if lo <= t <= hi]


def test_count_axes_of_the_exported_charts_have_whole_ticks(tmp_path):
    store = make_store(tmp_path / "n.sqlite3")  # at most two narratives a month
    try:
        ov = build_overview(store)
    finally:
        store.close()
    fig = figure_themes_per_month(ov)
    (ax, *_) = fig.axes
    ticks = _tick_values(ax)
    assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert labels and not any(re.search(r"\d[.,]\d", x) for x in labels), labels
    bar = figure_per_theme(ov).axes[0]
    assert all(float(t).is_integer() for t in bar.get_xticks()), bar.get_xticks()
