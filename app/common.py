"""Shared helpers of the app: limits, HTML escaping, Danish error text, the warm pipeline.

Nothing here knows NLP: it only calls the library and turns its results into
plain values. No function logs narrative text (only counts, codes and types).
"""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from narrativ_nlp.errors import NarrativError

logger = logging.getLogger("narrativ_app")

#: the longest narrative the app analyses; longer texts are refused with a Danish message (E030)
MAX_CHARS = 50_000

#: Okabe-Ito colours (safe for the common forms of colour blindness)
COLOURS = {"deficit": "#E69F00", "resource": "#0072B2"}
TEXT_ON = {"deficit": "#000000", "resource": "#FFFFFF"}
KIND_DA = {"deficit": "Underskudsfokuseret", "resource": "Ressourcefokuseret"}

#: feedback actions of the store (text-free counts per rule id)
ACCEPTED, EDITED, IGNORED = "accepted", "edited", "ignored"



class AppMessage(Exception):
    """A Danish message for the user from the app itself (no narrative text in it)."""


_pipeline_lock = threading.Lock()
_pipeline_ready = threading.Event()


#: outputs for download (anonymised files, keys, exports) live here and are removed after ``WORK_MAX_AGE`` s
WORK_ROOT_NAME = "narrativ-app"
WORK_MAX_AGE = 3600


def work_dir(prefix: str) -> Path:
    """A fresh folder for downloads; folders older than an hour are removed on the way (keys included)."""
    base = Path(tempfile.gettempdir()) / WORK_ROOT_NAME
    base.mkdir(mode=0o700, exist_ok=True)
    now = time.time()
    for old in base.iterdir():
        try:
            if old.is_dir() and now - old.stat().st_mtime > WORK_MAX_AGE:
                shutil.rmtree(old, ignore_errors=True)
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


def check_length(text: str | None) -> str:
    """The text, or a Danish refusal (``NarrativError`` E030) when it is over ``MAX_CHARS``."""
    text = text or ""
    if len(text) > MAX_CHARS:
        raise NarrativError("E030", n_chars=len(text), max_chars=MAX_CHARS)
    return text


def esc(value: Any) -> str:
    """HTML-escape text for display; also neutralises template characters (``$ { } ` ``)."""
    out = html.escape("" if value is None else str(value), quote=True)
    return out.replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;").replace("`", "&#96;")


def ensure_pipeline() -> None:
    """Load the spaCy pipeline once (thread-safe); later calls return at once."""
    if _pipeline_ready.is_set():
        return
    with _pipeline_lock:
        if not _pipeline_ready.is_set():
            from narrativ_nlp.workflows import analyse_text

            analyse_text("Pipelinen indlæses.")  # loads the spaCy pipeline once (through the workflow layer)
            _pipeline_ready.set()


def warm_up() -> None:
    """Load models in the background so the first analysis is fast (errors are shown later, in Danish)."""
    try:
        ensure_pipeline()
        from narrativ_nlp.workflows.enrichment import enrich  # (the package attribute is shadowed by the submodule)

        enrich(["Barnet legede i sandkassen."])  # loads the theme tagger
        logger.info("modeller indlæst")
    except Exception as exc:  # noqa: BLE001  (shown in Danish when the user needs the pipeline)
        logger.warning("modellerne kunne ikke indlæses på forhånd (%s)", type(exc).__name__)


def user_message(exc: BaseException) -> str:
    """A Danish message for the user; never narrative text (only the error's own Danish text or type)."""
    if isinstance(exc, (NarrativError, AppMessage)):
        return str(exc)
    return ("Der skete en uventet fejl. Prøv igen. Hvis fejlen kommer igen, så kontakt den ansvarlige for "
            f"værktøjet og oplys fejlkoden «{type(exc).__name__}».")


T = TypeVar("T")


def guarded(fn: Callable[..., T], on_error: Callable[[str], T]) -> Callable[..., T]:
    """Wrap a handler: a ``NarrativError`` or other error becomes ``on_error(danish_message)``.

    Only the error type is logged, never arguments (they hold narrative text).
    """

    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return fn(*args, **kwargs)
        except (NarrativError, AppMessage) as exc:
            code = getattr(exc, "code", "app")
            logger.info("brugerbesked %s i %s", code, getattr(fn, "__name__", "handler"))
            return on_error(user_message(exc))
        except Exception as exc:  # noqa: BLE001  (every error becomes a Danish message)
            logger.error("uventet fejl %s i %s", type(exc).__name__, getattr(fn, "__name__", "handler"))
            return on_error(user_message(exc))

    wrapper.__name__ = getattr(fn, "__name__", "handler")
    wrapper.__doc__ = fn.__doc__
    return wrapper


def status_html(message: str, level: str = "info") -> str:
    """A short status line (escaped); the level is told in words for screen readers, not only by icon and colour."""
    icon = {"info": "ℹ", "ok": "✓", "warn": "⚠", "error": "✗"}.get(level, "")
    word = {"ok": "Udført", "warn": "Bemærk", "error": "Fejl"}.get(level)
    hidden = f'<span class="nv-sr">{word}: </span>' if word else ""
    role = "alert" if level == "error" else "status"
    return (f'<div class="nv-status nv-{level}" role="{role}"><span aria-hidden="true">{icon}</span> '
            f"{hidden}{esc(message)}</div>")


# ------------------------------------------------------------------ Danish numbers, plurals and app strings


def num(value: float | int | None, decimals: int = 2) -> str:
    """A number the Danish way: decimal comma, thousands with a dot (``0,88``; ``1.234``; ``12,5``)."""
    if value is None:
        return "–"
    text = f"{float(value):,.{decimals}f}" if decimals else f"{round(float(value)):,d}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def plural(n: int, one: str, many: str) -> str:
    """``"1 narrativ"``, ``"3 narrativer"``: the count with the right Danish form."""
    return f"{n} {one if n == 1 else many}"


_data_texts: dict[str, str] = {}


def data_text(name: str) -> str:
    """A packaged data file of ``narrativ_nlp/data`` (UTF-8), read once per process."""
    if name not in _data_texts:
        from importlib import resources

        _data_texts[name] = resources.files("narrativ_nlp").joinpath("data", name).read_text(encoding="utf-8")
    return _data_texts[name]


_data_yaml: dict[str, Any] = {}


def data_yaml(name: str) -> Any:
    """A packaged YAML data file, parsed once per process (callers must not change what it returns)."""
    if name not in _data_yaml:
        import yaml

        _data_yaml[name] = yaml.safe_load(data_text(name)) or {}
    return _data_yaml[name]


_strings: dict[str, Any] = {}


def app_strings() -> dict[str, Any]:
    """The app's Danish strings (``narrativ_nlp/data/app_da.yaml``), read once."""
    if not _strings:
        import yaml

        _strings.update(yaml.safe_load(data_text("app_da.yaml")) or {})
    return _strings


def category_label(label: str) -> str:
    """A category label in plain words (the library's technical labels are replaced)."""
    return app_strings().get("category_labels", {}).get(label, label)


def rule_name(rule_id: str | None) -> str:
    """The Danish name of a framing rule (its id when the data file has no name for it)."""
    names = app_strings().get("rule_names", {})
    key = rule_id or "classifier"
    return names.get(key, key)


# ------------------------------------------------------------------ Danish dates

MONTHS_DA = {"januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7, "august": 8,
             "september": 9, "oktober": 10, "november": 11, "december": 12}


def parse_date_da(value: Any) -> str | None:
    """A date as the user writes it → ISO ``YYYY-MM-DD`` (None when empty).

    Accepts ``1.9.2025``, ``01.09.2025``, ``1/9/2025``, ``1-9-2025``, ``1.9.25``, ``2025-09-01``,
    ``1. september 2025`` and ``1 sep. 2025``; anything else (or a date that does not exist) raises a
    Danish ``AppMessage`` that names the accepted forms.
    """
    import datetime as dt
    import re

    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    text = " ".join(str(value).strip().lower().split())
    if not text:
        return None
    day = month = year = None
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{2}|\d{4})", text):
        day, month, year = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})\.?\s+([a-zæøå]+)\.?\s+(\d{2}|\d{4})", text):
        name = m.group(2)
        month = next((n for k, n in MONTHS_DA.items() if len(name) >= 3 and k.startswith(name)), None)
        day, year = int(m.group(1)), int(m.group(3))
    if year is not None and year < 100:
        year += 2000
    try:
        if day is None or month is None or year is None:
            raise ValueError
        return dt.date(year, month, day).isoformat()
    except ValueError:
        shown = str(value).strip()[:40]
        raise AppMessage(f"Ugyldig dato: »{shown}«. Skriv datoen som fx 1.9.2025 eller 2025-09-01.") from None


def date_da(iso: str | None) -> str:
    """``2025-09-01`` → ``1.9.2025`` (empty for None)."""
    if not iso:
        return ""
    y, m, d = (int(x) for x in str(iso)[:10].split("-"))
    return f"{d}.{m}.{y}"
