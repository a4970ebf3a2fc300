"""Handlers of the "Anonymisér filer" tab: several files in, anonymised copies (zip) out.

Every upload is copied into a fresh temporary folder; each file is first opened on its own (a
file that cannot be read gets a Danish message in its row), then the readable files are
anonymised as **one batch** through the workflow layer (``narrativ_nlp.workflows.anonymise_files``):
every part of every file is read, and a person keeps one pseudonym across the files (full name,
first name, possessive). For .csv/.jsonl files the column that holds the narrative is found by
name (tekst, text, narrativ, beskrivelse, observation …) and shown; other columns can be kept
unchanged. What the detector missed or took wrongly is corrected with two word lists that apply
to the whole batch, and the batch is run again (the files are chosen again: see below).

Private files: the key (mapping) is written only when the user asks, into its own file (never into
the zip), with mode 0600 in its own 0700 folder (``write_private``, ``private_tempdir``). A key is
removed when the same session starts its next batch (``discard_key``), when it is older than an
hour, and when the app stops (``cleanup_private``, registered by ``app.main``). The outputs and the
zip are 0600 too. The copies of the inputs are deleted at once, and the uploaded originals (Gradio's
temporary copies, only inside its upload folder) are deleted as soon as the batch is processed,
whether it succeeded or failed (``discard_uploads``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from narrativ_nlp.app.common import AppMessage, app_strings, ensure_pipeline, plural, user_message, work_dir
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.workflows import LABEL_DA
from narrativ_nlp.workflows.security import private_tempdir, remove_private, write_private

SUFFIXES = (".txt", ".md", ".docx", ".csv", ".xlsx", ".jsonl")
PREVIEW_CHARS = 3000
HEADERS = ["Fil", "Status", *LABEL_DA.values(), "I alt"]
TABULAR = (".csv", ".jsonl")  # column detection (xlsx: the workflow reads every sheet and column)
#: the row status of a file that was anonymised
DONE = "Anonymiseret"
#: told after every batch (the file field is emptied)
ORIGINALS_GONE = "De uploadede filer er slettet fra serveren; vælg dem igen for at køre en ny omgang."
#: the file name of the key (original → pseudonym) offered for download
KEY_NAME = "noegle_original_til_pseudonym.json"
#: a key folder is removed after this many seconds at the latest (also when the session forgets it)
KEY_MAX_AGE = 3600

#: key folders made by this process (removed by ``cleanup_private`` when the app stops)
_key_dirs: dict[Path, float] = {}
_key_lock = threading.Lock()


def _inside(path: Path, root: str | Path | None) -> bool:
    if not root:
        return False
    try:
        path.resolve().relative_to(Path(root).resolve())
        return True
    except (OSError, ValueError):
        return False


def discard_uploads(paths: list[str] | None, upload_root: str | Path | None) -> int:
    """Delete uploaded originals (only files inside ``upload_root``, Gradio's upload folder, and their
    folder when it is left empty); returns how many files were deleted. Missing files are fine."""
    n = 0
    for p in paths or []:
        path = Path(p)
        if not p or not _inside(path, upload_root) or Path(upload_root).resolve() == path.resolve():
            continue
        if path.is_file() or path.is_symlink():
            remove_private(path)
            n += 1
        parent = path.parent
        if parent.resolve() != Path(upload_root).resolve():
            try:
                parent.rmdir()  # Gradio keeps each upload in a folder of its own; only an empty one goes
            except OSError:
                pass
    return n


def _new_key_dir() -> Path:
    folder = private_tempdir("narrativ-noegle-")
    with _key_lock:
        _key_dirs[folder] = time.time()
    return folder


def discard_key(previous: str | None = None, upload_root: str | Path | None = None) -> None:
    """Remove the key a session was offered before (our own file or Gradio's copy of it in ``upload_root``),
    and every key folder older than ``KEY_MAX_AGE``."""
    now = time.time()
    with _key_lock:
        old = [d for d, t in _key_dirs.items() if now - t > KEY_MAX_AGE]
        for d in old:
            del _key_dirs[d]
    for d in old:
        remove_private(d)
    if not previous:
        return
    path = Path(previous)
    if path.name != KEY_NAME:
        return
    with _key_lock:
        ours = path.parent in _key_dirs
        if ours:
            del _key_dirs[path.parent]
    if ours:
        remove_private(path.parent)
    elif _inside(path, upload_root):
        remove_private(path)
        try:
            path.parent.rmdir()
        except OSError:
            pass


def cleanup_private(upload_root: str | Path | None = None) -> int:
    """Remove every key folder of this process and Gradio's copies of the keys (the app stops); returns how many."""
    with _key_lock:
        dirs = list(_key_dirs)
        _key_dirs.clear()
    for d in dirs:
        remove_private(d)
    n = len(dirs)
    if upload_root and Path(upload_root).is_dir():
        for copy in Path(upload_root).glob(f"*/{KEY_NAME}"):
            remove_private(copy)
            n += 1
    return n


def text_column_names() -> list[str]:
    """Column names that hold the narrative (``narrativ_nlp/data/app_da.yaml``), most likely first."""
    return [str(c).lower() for c in app_strings().get("text_columns", [])]


def file_columns(path: str | Path) -> list[str]:
    """The columns of a .csv (its header, read by the project's one CSV reader: delimiter and encoding
    detected) or .jsonl file (keys of its first objects); [] for other files or an unreadable file."""
    from narrativ_nlp.workflows import csv_columns

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return csv_columns(p)
    if suffix == ".jsonl":
        try:
            raw = p.read_bytes()[:200_000].decode("utf-8-sig", errors="replace")
        except OSError:
            return []
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
    """What the tab shows after an upload: ``{"choices", "value", "needed", "message", "level", "text_columns"}``.

    ``value``: the text column when every .csv/.jsonl file has the same known one; ``message`` names it
    (or says, as a warning, that no column with a known name was found). ``choices``: the columns found,
    offered for "bevar uændret". Nothing for .txt/.docx files.
    """
    tabular = [p for p in (paths or []) if p and Path(p).suffix.lower() in TABULAR]
    if not tabular:
        return {"choices": [], "value": None, "needed": False, "message": "", "level": "info", "text_columns": []}
    columns: list[str] = []
    guesses = []
    for p in tabular:
        cols = file_columns(p)
        columns += [c for c in cols if c not in columns]
        guesses.append(guess_column(cols))
    n = len(tabular)
    every = " Alle kolonner gennemgås for navne; vælg herunder kolonner, der skal bevares uændret (fx id, dato)."
    if all(guesses) and len(set(guesses)) == 1:
        msg = (f"Tekstkolonnen »{guesses[0]}« er fundet i " + ("filen." if n == 1 else f"alle {n} filer.") + every)
        return {"choices": columns, "value": guesses[0], "needed": True, "message": msg, "level": "ok",
                "text_columns": sorted(set(guesses))}
    if all(guesses):
        msg = ("Tekstkolonnerne er fundet: " + ", ".join(f"»{g}«" for g in sorted(set(guesses))) + "." + every)
        return {"choices": columns, "value": None, "needed": True, "message": msg, "level": "ok",
                "text_columns": sorted(set(guesses))}
    msg = ("Værktøjet kan ikke se, hvilken kolonne der indeholder teksten (kolonner: "
           + (", ".join(columns) if columns else "ingen") + "). Alle kolonner gennemgås for navne; bevar kun "
           "kolonner, du er sikker på ikke indeholder navne.")
    return {"choices": columns, "value": None, "needed": True, "message": msg, "level": "warn",
            "text_columns": sorted({g for g in guesses if g})}


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


def anonymise_uploads(paths: list[str] | None, mode: str = "placeholder", keep_columns: list[str] | str | None = None,
                      want_mapping: bool = False, workdir: str | None = None, add: str | list[str] | None = None,
                      keep: str | list[str] | None = None, upload_root: str | Path | None = None) -> dict[str, Any]:
    """Anonymise the uploaded files as one batch through the workflow (``narrativ_nlp.workflows.anonymise_files``).

    Every part of every file is read (all columns and fields, except ``keep_columns``); a person keeps one
    pseudonym in every file (full name, first name, possessive). Each file is first opened on its own, so
    a file that cannot be read is reported in its row and the others are still anonymised.
    ``add``: words the detector missed (every occurrence, in every file); ``keep``: words that are not names
    ("ikke et navn", once for the batch). Returns ``{"rows", "headers", "zip", "mapping", "outputs",
    "status", "level"}``: ``outputs`` maps the user's file name to its anonymised copy; ``level`` is ``ok``
    when every file was anonymised, ``warn`` when some failed, ``error`` when all did. The key is written
    0600 in its own 0700 folder; outputs and zip are 0600. ``upload_root``: the uploaded originals inside
    this folder (Gradio's upload folder) are deleted once the batch is processed, success or failure.
    """
    paths = [p for p in (paths or []) if p]
    if not paths:
        raise AppMessage("Vælg en eller flere filer (" + ", ".join(SUFFIXES) + ").")
    if not all(Path(p).is_file() for p in paths):
        discard_uploads(paths, upload_root)
        raise AppMessage("En eller flere af filerne findes ikke længere på serveren (uploadede filer slettes, "
                         "så snart de er behandlet). Vælg filerne igen.")
    try:
        return _anonymise(paths, mode, keep_columns, want_mapping, workdir, add, keep)
    finally:
        discard_uploads(paths, upload_root)  # the originals go as soon as the batch is processed


def _anonymise(paths: list[str], mode: str, keep_columns: list[str] | str | None, want_mapping: bool,
               workdir: str | None, add: str | list[str] | None, keep: str | list[str] | None) -> dict[str, Any]:
    from narrativ_nlp.workflows.records import read_file_for_check
    from narrativ_nlp.workflows import AddTerm, FilesRequest, anonymise_files

    add_terms, keep_terms = parse_terms(add), parse_terms(keep)
    kept_cols = frozenset(parse_terms(keep_columns)) if not isinstance(keep_columns, list) else frozenset(keep_columns)
    ensure_pipeline()
    root = Path(workdir) if workdir else work_dir("filer-")
    in_dir, out_dir = root / "ind", root / "anonymiseret"
    for d in (in_dir, out_dir):
        d.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[Any]] = {}
    good: list[tuple[str, Path]] = []
    seen: set[str] = set()
    outputs: dict[str, str] = {}
    order: list[str] = []
    mapping_file = None
    try:
        for i, src in enumerate(paths):
            name = _unique_name(Path(src).name, seen)
            order.append(name)
            local = in_dir / str(i) / name
            local.parent.mkdir(parents=True)
            shutil.copyfile(src, local)
            try:
                if local.suffix.lower() not in SUFFIXES:
                    raise NarrativError("E041", suffix=local.suffix or "(ingen)", path=name)
                text_col = guess_column(file_columns(local)) if local.suffix.lower() in TABULAR else None
                if text_col and text_col in kept_cols:
                    raise AppMessage(f"Tekstkolonnen »{text_col}« kan ikke bevares uændret: den indeholder narrativerne.")
                read_file_for_check(local, kept_cols)  # readable? (a bad file fails here, on its own)
            except (NarrativError, AppMessage) as exc:
                # the library names the temporary copy; show the user's file name instead
                message = str(exc).replace(str(local), name).replace(str(out_dir), "uddata")
                rows[name] = [name, f"Fejl: {message}", *[0] * len(LABEL_DA), 0]
                continue
            except Exception as exc:  # noqa: BLE001  (one bad file does not stop the batch)
                rows[name] = [name, f"Fejl: {user_message(exc)}", *[0] * len(LABEL_DA), 0]
                continue
            good.append((name, local))
        if good:
            result = anonymise_files(FilesRequest(
                inputs=[p for _, p in good], out=out_dir, mode=mode, keep_columns=kept_cols, keep_words=keep_terms,
                add=[AddTerm(t, "PERSON") for t in add_terms], mapping=want_mapping,
                display_names=[n for n, _ in good]))
            for outcome in result.files:
                per_label = [int(outcome.counts.get(label, 0)) for label in LABEL_DA]
                rows[outcome.source] = [outcome.source, DONE, *per_label, sum(per_label)]
                if outcome.output is not None:
                    outputs[outcome.source] = str(outcome.output)
            if result.mapping_path is not None:  # the key never lies beside the files in the zip
                source = Path(result.mapping_path)
                mapping_file = write_private(_new_key_dir() / KEY_NAME, source.read_bytes())
                remove_private(source)
    finally:
        shutil.rmtree(in_dir, ignore_errors=True)  # the copies of the originals go at once
    ordered = [rows[n] for n in order if n in rows]
    zip_path = None
    if outputs:
        zip_path = root / "anonymiserede_filer.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, path in sorted(outputs.items()):
                zf.write(path, arcname=Path(path).name)
        os.chmod(zip_path, 0o600)
    for path in outputs.values():
        os.chmod(path, 0o600)
    ok = sum(r[1] == DONE for r in ordered)
    failed = len(ordered) - ok
    if not failed:
        level = "ok"
        status = (("Filen er anonymiseret." if ok == 1 else f"Alle {ok} filer er anonymiseret.")
                  + (" Samme person har fået samme pseudonym i alle filerne." if ok > 1 else ""))
    elif ok:
        level = "warn"
        status = (f"{ok} af {len(ordered)} filer er anonymiseret; {plural(failed, 'fil', 'filer')} kunne ikke "
                  "anonymiseres (se »Status« i tabellen). Kun de anonymiserede filer er i zip-filen.")
    else:
        level = "error"
        status = ("Filen kunne ikke anonymiseres" if failed == 1 else f"Ingen af de {failed} filer kunne anonymiseres") \
            + " (se »Status« i tabellen)."
    if ok and (add_terms or keep_terms):
        status += f" Din gennemgang er brugt ({len(add_terms)} tilføjet, {len(keep_terms)} bevaret)."
    if mapping_file is not None:
        status += " Nøglen (original → pseudonym) er følsom: gem den adskilt fra filerne, og del den ikke."
    return {"rows": ordered, "headers": HEADERS, "zip": None if zip_path is None else str(zip_path),
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
