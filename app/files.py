"""Handlers of the "Anonymisér filer" tab: several files in, anonymised copies (zip) out.

Every upload is copied into a fresh temporary folder and anonymised there with the
library's per-format writers (``narrativ_nlp.anonymise_files.HANDLERS``), one file at a
time so the summary has counts per file, but with **one** ``Pseudonymiser`` for the
whole batch: the same real name gets the same pseudonym in every file. The review is
per file (counts and a preview of each anonymised file); what the detector missed or
took wrongly is corrected with two word lists that apply to the whole batch, and the
batch is run again. The key (mapping) is written only when the user asks, into its own
file, never into the zip with the anonymised files. The copies of the inputs are deleted
again at once.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from narrativ_nlp.app.common import AppMessage, app_strings, ensure_pipeline, plural, user_message, work_dir
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers.types import LABEL_DA

SUFFIXES = (".txt", ".docx", ".csv", ".jsonl")
PREVIEW_CHARS = 3000
HEADERS = ["Fil", "Status", *LABEL_DA.values(), "I alt"]
TABULAR = (".csv", ".jsonl")
#: the row status of a file that was anonymised
DONE = "Anonymiseret"


def text_column_names() -> list[str]:
    """Column names that hold the narrative (``narrativ_nlp/data/app_da.yaml``), most likely first."""
    return [str(c).lower() for c in app_strings().get("text_columns", [])]


def file_columns(path: str | Path) -> list[str]:
    """The columns of a .csv (its header) or .jsonl file (keys of its first objects); [] for other files."""
    import csv
    import io

    p = Path(path)
    suffix = p.suffix.lower()
    try:
        raw = p.read_bytes()[:200_000].decode("utf-8-sig", errors="replace")
    except OSError:
        return []
    if suffix == ".csv":
        return [c.strip() for c in next(csv.reader(io.StringIO(raw, newline="")), []) if c.strip()]
    if suffix == ".jsonl":
        keys: list[str] = []
        for line in raw.split("\n")[:20]:
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if isinstance(obj, dict):
                keys += [k for k, v in obj.items() if isinstance(v, str) and k not in keys]
        return keys
    return []


def guess_column(columns: list[str]) -> str | None:
    """The column that most likely holds the narrative: a known name (tekst, text, narrativ, beskrivelse,
    observation …), first exactly, then as part of a name (``narrativ_tekst``); None when unsure."""
    lower = {c.lower(): c for c in columns}
    names = text_column_names()
    for name in names:
        if name in lower:
            return lower[name]
    for name in names:
        hits = [c for c in columns if name in c.lower()]
        if len(hits) == 1:
            return hits[0]
    return None


def column_choice(paths: list[str] | None) -> dict[str, Any]:
    """What the column field shows after an upload: ``{"choices", "value", "needed", "message", "level"}``.

    The field is shown only for .csv/.jsonl files. When every such file has a known text column
    (the same one), it is chosen; otherwise the user picks from the columns found.
    """
    tabular = [p for p in (paths or []) if p and Path(p).suffix.lower() in TABULAR]
    if not tabular:
        return {"choices": [], "value": None, "needed": False, "message": "", "level": "info"}
    columns: list[str] = []
    guesses = []
    for p in tabular:
        cols = file_columns(p)
        columns += [c for c in cols if c not in columns]
        guesses.append(guess_column(cols))
    n = len(tabular)
    if all(guesses) and len(set(guesses)) == 1:
        msg = (f"Tekstkolonnen »{guesses[0]}« er fundet i " + ("filen." if n == 1 else f"alle {n} filer.")
               + " Vælg en anden i listen, hvis den er forkert.")
        return {"choices": columns, "value": guesses[0], "needed": True, "message": msg, "level": "ok"}
    if all(guesses):
        msg = ("Filerne har forskellige tekstkolonner (" + ", ".join(sorted(set(guesses))) + "); hver fil bruger "
               "sin egen. Vælg en kolonne i listen for at bruge den samme i alle filerne.")
        return {"choices": columns, "value": None, "needed": True, "message": msg, "level": "info"}
    msg = ("Værktøjet kan ikke se, hvilken kolonne der indeholder teksten. Vælg tekstkolonnen i listen "
           "(kolonner i filerne: " + (", ".join(columns) if columns else "ingen") + ").")
    return {"choices": columns, "value": None, "needed": True, "message": msg, "level": "warn"}


def _unique_name(name: str, seen: set[str]) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, i = name, 2
    while candidate.lower() in seen:
        candidate = f"{stem}_{i}{suffix}"
        i += 1
    seen.add(candidate.lower())
    return candidate


def parse_terms(value: str | list[str] | None) -> list[str]:
    """Words or names from a text field: one per line (or separated by ";" or ","), stripped, no duplicates."""
    if isinstance(value, list):
        items = value
    else:
        items = re.split(r"[\n;,]", value or "")
    out: list[str] = []
    for item in items:
        item = " ".join(str(item).split())
        if item and item.lower() not in {o.lower() for o in out}:
            out.append(item)
    return out


def reviewed_pseudonymiser(mode: str = "placeholder", add: list[str] | None = None, keep: list[str] | None = None):
    """One ``Pseudonymiser`` for a batch that also applies the user's review of the batch.

    ``add``: words the detector missed (every whole-word occurrence is replaced as a name);
    ``keep``: words the detector took that are not identifiers (left as they are). Overlaps
    are resolved in favour of the user's words.
    """
    from narrativ_nlp.identifiers.pseudonymise import MODES, Pseudonymiser
    from narrativ_nlp.identifiers.types import IdentifierSpan

    add_patterns = [re.compile(r"(?<!\w)" + re.escape(t) + r"(?!\w)") for t in (add or [])]
    keep_set = {t.lower() for t in (keep or [])}

    class _Reviewed(Pseudonymiser):
        def apply(self, text: str, spans: Any):  # type: ignore[override]
            user = [IdentifierSpan(m.start(), m.end(), "PERSON", "user", 1.0)
                    for pat in add_patterns for m in pat.finditer(text)]
            kept = [s for s in spans if text[s.start:s.end].lower() not in keep_set
                    and all(s.end <= u.start or s.start >= u.end for u in user)]
            chosen: list[Any] = []
            for u in sorted(user, key=lambda u: (-(u.end - u.start), u.start)):  # longer user words win
                if all(u.end <= c.start or u.start >= c.end for c in chosen):
                    chosen.append(u)
            return super().apply(text, sorted(chosen + kept, key=lambda s: s.start))

    return _Reviewed(mode=mode if mode in MODES else "placeholder")


def anonymise_uploads(paths: list[str] | None, mode: str = "placeholder", column: str | None = None,
                      want_mapping: bool = False, workdir: str | None = None, add: str | list[str] | None = None,
                      keep: str | list[str] | None = None) -> dict[str, Any]:
    """Anonymise each uploaded file with one pseudonymiser for the batch.

    Returns ``{"rows", "headers", "zip", "mapping", "outputs", "status"}``. ``rows``: one per file:
    name, status (OK or a Danish error), counts per label, total. ``outputs``: output name → path,
    for review. ``mapping``: a JSON file path (only when ``want_mapping``), or None. ``add`` and
    ``keep``: the user's review (see ``reviewed_pseudonymiser``). ``column``: the text column of .csv
    and .jsonl files; empty: each file's own known text column (``guess_column``).
    ``level``: ``ok`` when every file was anonymised, ``warn`` when some failed, ``error`` when all did.
    """
    from collections import Counter

    from narrativ_nlp.anonymise_files import HANDLERS

    paths = [p for p in (paths or []) if p]
    if not paths:
        raise AppMessage("Vælg en eller flere filer (.txt, .docx, .csv eller .jsonl).")
    add_terms, keep_terms = parse_terms(add), parse_terms(keep)
    ensure_pipeline()
    root = Path(workdir) if workdir else work_dir("filer-")
    in_dir, out_dir = root / "ind", root / "anonymiseret"
    for d in (in_dir, out_dir):
        d.mkdir(parents=True, exist_ok=True)
    pseudo = reviewed_pseudonymiser(mode, add_terms, keep_terms)  # one for the whole batch
    rows: list[list[Any]] = []
    outputs: dict[str, str] = {}
    seen: set[str] = set()
    try:
        for i, src in enumerate(paths):
            name = _unique_name(Path(src).name, seen)
            local = in_dir / str(i) / name
            local.parent.mkdir(parents=True)
            shutil.copyfile(src, local)
            handler = HANDLERS.get(local.suffix.lower())
            counts: Counter = Counter()
            try:
                if handler is None:
                    raise NarrativError("E041", suffix=local.suffix or "(ingen)", path=name)
                use = (column or "").strip()
                if local.suffix.lower() in TABULAR:
                    cols = file_columns(local)
                    if not use or use not in cols:
                        use = guess_column(cols) if not use else use
                    if not use:
                        raise AppMessage("Ingen tekstkolonne fundet. Vælg tekstkolonnen i listen (kolonner: "
                                         + (", ".join(cols) or "ingen") + ").")
                handler(local, out_dir / name, pseudo, counts, use or "text")
            except (NarrativError, AppMessage) as exc:
                # the library names the temporary copy; show the user's file name instead
                message = str(exc).replace(str(local), name).replace(str(out_dir), "uddata")
                rows.append([name, f"Fejl: {message}", *[0] * len(LABEL_DA), 0])
                continue
            except Exception as exc:  # noqa: BLE001  (one bad file does not stop the batch)
                rows.append([name, f"Fejl: {user_message(exc)}", *[0] * len(LABEL_DA), 0])
                continue
            per_label = [int(counts.get(label, 0)) for label in LABEL_DA]
            rows.append([name, DONE, *per_label, sum(per_label)])
            outputs[name] = str(out_dir / name)
    finally:
        shutil.rmtree(in_dir, ignore_errors=True)  # the copies of the originals go at once
    zip_path = None
    if outputs:
        zip_path = root / "anonymiserede_filer.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, path in sorted(outputs.items()):
                zf.write(path, arcname=name)
    mapping_file = None
    if want_mapping and outputs:
        mapping_file = root / "noegle_original_til_pseudonym.json"
        mapping_file.write_text(json.dumps({"filer": sorted(outputs), "nøgle": pseudo.mapping_table()},
                                           ensure_ascii=False, indent=2), encoding="utf-8")
    ok = sum(r[1] == DONE for r in rows)
    failed = len(rows) - ok
    if not failed:
        level = "ok"
        status = (("Filen er anonymiseret." if ok == 1 else f"Alle {ok} filer er anonymiseret.")
                  + (" Samme navn har fået samme pseudonym i alle filerne." if ok > 1 else ""))
    elif ok:
        level = "warn"
        status = (f"{ok} af {len(rows)} filer er anonymiseret; {plural(failed, 'fil', 'filer')} kunne ikke "
                  "anonymiseres (se »Status« i tabellen). Kun de anonymiserede filer er i zip-filen.")
    else:
        level = "error"
        status = ("Filen kunne ikke anonymiseres" if failed == 1 else f"Ingen af de {failed} filer kunne anonymiseres") \
            + " (se »Status« i tabellen)."
    if add_terms or keep_terms:
        status += f" Din gennemgang er brugt ({len(add_terms)} tilføjet, {len(keep_terms)} bevaret)."
    if mapping_file is not None:
        status += " Nøglen (original → pseudonym) er følsom: gem den adskilt fra filerne, og del den ikke."
    return {"rows": rows, "headers": HEADERS, "zip": None if zip_path is None else str(zip_path),
            "mapping": None if mapping_file is None else str(mapping_file), "outputs": outputs, "status": status,
            "level": level}


def read_output(path: str | None, limit: int = PREVIEW_CHARS) -> str:
    """The first ``limit`` characters of an anonymised output file, for review."""
    if not path:
        return ""
    p = Path(path)
    if not p.is_file():
        raise AppMessage("Filen findes ikke længere. Anonymisér filerne igen.")
    if p.suffix.lower() == ".docx":
        import docx

        text = "\n".join(par.text for par in docx.Document(str(p)).paragraphs)
    else:
        text = p.read_text(encoding="utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + f"\n… (viser de første {limit} tegn)"
