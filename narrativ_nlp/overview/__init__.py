"""The leader's overview, in four modules:

* ``tables``: ``build_overview(store, group, since, until)`` → ``Overview`` (pandas tables, never text);
* ``discovery``: patterns (theme discovery) and tags over stored narratives (``narrativ themes --group``);
* ``charts``: matplotlib figures;
* ``export``: Excel, CSV and the REFI-QDA codebook, formula-safe, never overwriting without ``force``.
"""

from __future__ import annotations

from narrativ_nlp.overview.charts import (
    chart_pngs,
    figure_per_theme,
    figure_resource_over_time,
    figure_resource_per_theme,
    figure_themes_per_month,
    figures,
    save_figures,
)
from narrativ_nlp.overview.discovery import discover_stored, patterns_table, themes_from_store
from narrativ_nlp.overview.export import about_table, export, export_csv, export_excel, export_qdc
from narrativ_nlp.overview.tables import (
    COLUMNS_DA,
    NO_DATE,
    TABLES,
    Overview,
    build_overview,
    empty_message,
    narratives_frame,
)



def forget() -> None:
    """Forget the patterns and chart files kept in this process's memory (after narratives are deleted;
    the store empties its own ``derived`` table when it deletes)."""
    from narrativ_nlp.overview.charts import forget_charts
    from narrativ_nlp.overview.discovery import forget_patterns

    forget_patterns()
    forget_charts()


__all__ = [
    "COLUMNS_DA", "NO_DATE", "TABLES", "Overview", "about_table", "build_overview", "chart_pngs", "discover_stored",
    "empty_message", "export", "export_csv", "export_excel", "export_qdc", "figure_per_theme",
    "figure_resource_over_time", "figure_resource_per_theme", "figure_themes_per_month", "figures", "forget",
    "narratives_frame", "patterns_table", "save_figures", "themes_from_store",
]
