"""The leader's overview, in four modules:

* ``tables``: ``build_overview(store, group, since, until)`` → ``Overview`` (pandas tables, never text);
* ``discovery``: patterns (theme discovery) and tags over stored narratives (``narrativ themes --group``);
* ``charts``: matplotlib figures;
* ``export``: Excel, CSV and the REFI-QDA codebook, formula-safe, never overwriting without ``force``.
"""

from __future__ import annotations

from narrativ_nlp.overview.charts import (
    figure_per_theme,
    figure_resource_over_time,
    figure_resource_per_theme,
    figure_themes_per_month,
    figures,
    save_figures,
)
from narrativ_nlp.overview.discovery import discover_stored, themes_from_store
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

__all__ = [
    "COLUMNS_DA", "NO_DATE", "TABLES", "Overview", "about_table", "build_overview", "discover_stored", "empty_message",
    "export", "export_csv", "export_excel", "export_qdc", "figure_per_theme", "figure_resource_over_time",
    "figure_resource_per_theme", "figure_themes_per_month", "figures", "narratives_frame", "save_figures",
    "themes_from_store",
]
