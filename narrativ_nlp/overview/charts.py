"""The overview's charts (matplotlib ``Figure`` objects, no pyplot: no GUI backend)."""

from __future__ import annotations

import hashlib
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from narrativ_nlp.overview.tables import NO_DATE, Overview
from narrativ_nlp.textio import atomic_write, refuse_existing


def _no_data(fig, title: str):
    ax = fig.add_subplot(111)
    ax.set_title(title)
    ax.text(0.5, 0.5, "Ingen data", ha="center", va="center", transform=ax.transAxes, fontsize=14, color="grey")
    ax.set_axis_off()
    return fig


def figure_themes_per_month(ov: Overview):
    """Stacked bars: narratives per month and theme (any theme); undated narratives left out."""
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, Agg when saved

    fig = Figure(figsize=(10, 5), layout="constrained")
    title = "Temaer pr. måned" + (f" · {ov.group}" if ov.group else "")
    t = ov.tables["themes_per_month"]
    t = t[t["month"] != NO_DATE].set_index("month")
    t = t.loc[:, t.sum(axis=0) > 0] if not t.empty else t
    if t.empty or t.to_numpy().sum() == 0:
        return _no_data(fig, title)
    ax = fig.add_subplot(111)
    import matplotlib

    cmap = matplotlib.colormaps["tab20"]
    bottom = np.zeros(len(t))
    x = np.arange(len(t))
    for k, col in enumerate(t.columns):
        ax.bar(x, t[col].to_numpy(), bottom=bottom, label=col, color=cmap(k % 20))
        bottom += t[col].to_numpy()
    ax.set_xticks(x, list(t.index), rotation=45 if len(t) > 6 else 0, ha="right" if len(t) > 6 else "center")
    ax.set_ylabel("Narrativer (et narrativ kan have flere temaer)")
    ax.yaxis.get_major_locator().set_params(integer=True)  # counts: no tick at 0.5
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    return fig


def figure_resource_over_time(ov: Overview):
    """Resource share per month: the mean of the narratives and the sentence-weighted share."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 5), layout="constrained")
    title = "Ressourceandel over tid" + (f" · {ov.group}" if ov.group else "")
    t = ov.tables["resource_per_month"]
    t = t[(t["month"] != NO_DATE)]
    if t.empty or t[["mean_resource_share", "sentence_weighted_share"]].isna().all().all():
        return _no_data(fig, title)
    ax = fig.add_subplot(111)
    x = np.arange(len(t))
    ax.plot(x, t["mean_resource_share"], marker="o", label="Gennemsnit af narrativernes andel")
    ax.plot(x, t["sentence_weighted_share"], marker="s", linestyle="--", label="Sætningsvægtet andel")
    for xi, n in zip(x, t["narratives"]):
        ax.annotate(f"n={n}", (xi, 96), ha="center", fontsize=7, color="grey")
    ax.set_ylim(0, 100)
    ax.set_ylabel("Ressourceandel (%)")
    ax.set_xticks(x, list(t["month"]), rotation=45 if len(t) > 6 else 0, ha="right" if len(t) > 6 else "center")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False,
              title="Ressourcesprog i % af sætninger\nmed mangel- eller ressourcesprog", title_fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig


#: Okabe-Ito colours for the bar charts
BAR_COLOUR, SHARE_COLOUR = "#E69F00", "#009E73"


def _bar_axes(title: str, n_bars: int):
    """A figure for ``n_bars`` horizontal bars with its title; "Ingen data" when there are none."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, max(2.5, 0.4 * n_bars + 1)), layout="constrained")
    if n_bars == 0:
        return _no_data(fig, title), None
    ax = fig.add_subplot(111)
    ax.set_title(title)
    return fig, ax


def figure_per_theme(ov: Overview):
    """Horizontal bars: narratives per theme (any of their themes), themes that occur."""
    t = ov.tables["per_theme"]
    t = t[t["any_theme"] > 0].sort_values("any_theme")
    fig, ax = _bar_axes("Narrativer pr. tema" + (f" · {ov.group}" if ov.group else ""), len(t))
    if ax is None:
        return fig
    ax.barh(t["label"], t["any_theme"], color=BAR_COLOUR)
    ax.set_xlabel("Narrativer (et narrativ kan have flere temaer)")
    ax.xaxis.get_major_locator().set_params(integer=True)
    return fig


def figure_resource_per_theme(ov: Overview):
    """Horizontal bars: the resource share per theme (mean of the narratives' shares), with n."""
    t = ov.tables["resource_per_theme"]
    t = t[t["mean_resource_share"].notna() & (t["narratives"] > 0)].sort_values("mean_resource_share")
    fig, ax = _bar_axes("Ressourceandel pr. tema" + (f" · {ov.group}" if ov.group else ""), len(t))
    if ax is None:
        return fig
    ax.barh(t["label"], t["mean_resource_share"], color=SHARE_COLOUR)
    for y, (v, n) in enumerate(zip(t["mean_resource_share"], t["narratives"])):
        ax.annotate(f"{v:.0f} % (n={n})", (min(v, 80) + 1, y), va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("Ressourceandel (%)")
    return fig


FIGURES: dict[str, Callable[[Overview], Any]] = {
    "narrativer_pr_tema": figure_per_theme,
    "temaer_pr_maaned": figure_themes_per_month,
    "ressourceandel_over_tid": figure_resource_over_time,
    "ressourceandel_pr_tema": figure_resource_per_theme,
}


def figures(ov: Overview) -> dict[str, Any]:
    return {name: make(ov) for name, make in FIGURES.items()}


#: the tables the four charts are drawn from (with the overview's group, in the titles)
CHART_TABLES = ("per_theme", "themes_per_month", "resource_per_month", "resource_per_theme")
#: bumped whenever a chart is drawn differently: PNG files of an older version are not reused
CHARTS_VERSION = 1
#: sets of chart PNG files kept in memory (one set per selection's tables); the oldest goes first
CHARTS_IN_MEMORY = 16

_png_memory: OrderedDict[str, dict[str, bytes]] = OrderedDict()
_png_lock = threading.Lock()


def charts_key(ov: Overview, dpi: int) -> str:
    """What the charts of ``ov`` depend on, as one hash: the four tables' contents, the group, the dpi, this
    module's ``CHARTS_VERSION`` and matplotlib's version."""
    from importlib.metadata import version

    h = hashlib.sha256(json.dumps([CHARTS_VERSION, version("matplotlib"), ov.group, dpi]).encode())
    for name in CHART_TABLES:
        h.update(f"\x1e{name}\x1f".encode())
        h.update(ov.tables[name].to_csv(index=False).encode())
    return h.hexdigest()


def chart_pngs(ov: Overview, dpi: int = 90) -> dict[str, bytes]:
    """The four charts as PNG files (bytes, in ``FIGURES`` order): exactly ``figures(ov)`` saved with
    ``savefig(format="png", dpi=dpi)``, drawn once per content (``charts_key``) and kept in memory
    (``CHARTS_IN_MEMORY``). No narrative text is in a chart."""
    key = charts_key(ov, dpi)
    with _png_lock:
        hit = _png_memory.get(key)
        if hit is not None:
            _png_memory.move_to_end(key)
            return dict(hit)
    pngs = {}
    for name, make in FIGURES.items():
        buf = io.BytesIO()
        make(ov).savefig(buf, format="png", dpi=dpi)
        pngs[name] = buf.getvalue()
    with _png_lock:
        _png_memory[key] = pngs
        while len(_png_memory) > CHARTS_IN_MEMORY:
            _png_memory.popitem(last=False)
    return dict(pngs)


def forget_charts() -> None:
    """Empty the kept chart files."""
    with _png_lock:
        _png_memory.clear()


def save_figures(ov: Overview, folder: str | Path, dpi: int = 120, force: bool = False) -> list[Path]:
    """Write the charts as PNG files into ``folder`` (an existing chart file: E043 unless ``force``)."""
    folder = Path(folder)
    targets = {name: folder / f"{name}.png" for name in FIGURES}
    if not force:
        refuse_existing(list(targets.values()))
    out = []
    for name, fig in figures(ov).items():
        out.append(atomic_write(targets[name], lambda p, fig=fig: fig.savefig(p, dpi=dpi, format="png"),
                                overwrite=force))
    return out

