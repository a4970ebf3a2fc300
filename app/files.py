"""Handlers of the "Anonymisér filer" tab: several files in, anonymised copies (zip) out.

Every upload is copied into a fresh temporary folder and anonymised there with
``narrativ_nlp.anonymise_files`` (one file at a time, so the summary has counts
per file). The key (mapping) is written only when the user asks, into its own
file, never into the zip with the anonymised files. The copies of the inputs
are deleted again at once.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

from app.common import AppMessage, ensure_pipeline, user_message, work_dir
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers.types import LABEL_DA

SUFFIXES = (".txt", ".docx", ".csv", ".jsonl")
PREVIEW_CHARS = 3000
HEADERS = ["Fil", "Status", *LABEL_DA.values(), "I alt"]


def _unique_name(name: str, seen: set[str]) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, i = name, 2
    while candidate.lower() in seen:
        candidate = f"{stem}_{i}{suffix}"
        i += 1
    seen.add(candidate.lower())
    return candidate


def anonymise_uploads(paths: list[str] | None, mode: str = "placeholder", column: str = "text",
                      want_mapping: bool = False, workdir: str | None = None) -> dict[str, Any]:
    """Anonymise each uploaded file; returns ``{"rows", "headers", "zip", "mapping", "outputs", "status"}``.

    ``rows``: one per file: name, status (OK or a Danish error), counts per label, total.
    ``outputs``: output name → path, for review. ``mapping``: a JSON file path, or None.
    """
    from narrativ_nlp.anonymise_files import anonymise_files

    paths = [p for p in (paths or []) if p]
    if not paths:
        raise AppMessage("Vælg en eller flere filer (.txt, .docx, .csv eller .jsonl).")
    ensure_pipeline()
    root = Path(workdir) if workdir else work_dir("filer-")
    in_dir, out_dir, key_dir = root / "ind", root / "anonymiseret", root / "noegle"
    for d in (in_dir, out_dir):
        d.mkdir(parents=True, exist_ok=True)
    rows: list[list[Any]] = []
    outputs: dict[str, str] = {}
    mappings: dict[str, Any] = {}
    seen: set[str] = set()
    try:
        for i, src in enumerate(paths):
            name = _unique_name(Path(src).name, seen)
            local = in_dir / str(i) / name
            local.parent.mkdir(parents=True)
            shutil.copyfile(src, local)
            mapping_path = None
            if want_mapping:
                key_dir.mkdir(exist_ok=True)
                mapping_path = key_dir / f"{name}.json"
            try:
                summary = anonymise_files([local], out_dir, mode=mode, column=column or "text",
                                          mapping_path=mapping_path, progress=False)
            except NarrativError as exc:
                # the library names the temporary copy; show the user's file name instead
                message = str(exc).replace(str(local), name).replace(str(out_dir), "uddata")
                rows.append([name, message, *[0] * len(LABEL_DA), 0])
                continue
            except Exception as exc:  # noqa: BLE001  (one bad file does not stop the batch)
                rows.append([name, user_message(exc), *[0] * len(LABEL_DA), 0])
                continue
            counts = [int(summary.counts.get(label, 0)) for label in LABEL_DA]
            rows.append([name, "OK", *counts, sum(counts)])
            for written in summary.written:
                outputs[written.name] = str(written)
            if mapping_path is not None and mapping_path.is_file():
                mappings[name] = json.loads(mapping_path.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(in_dir, ignore_errors=True)  # the copies of the originals go at once
        if key_dir.exists():
            shutil.rmtree(key_dir, ignore_errors=True)
    zip_path = None
    if outputs:
        zip_path = root / "anonymiserede_filer.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, path in sorted(outputs.items()):
                zf.write(path, arcname=name)
    mapping_file = None
    if want_mapping and mappings:
        mapping_file = root / "noegle_original_til_pseudonym.json"
        mapping_file.write_text(json.dumps(mappings, ensure_ascii=False, indent=2), encoding="utf-8")
    ok = sum(r[1] == "OK" for r in rows)
    status = f"{ok} af {len(rows)} filer anonymiseret."
    if mapping_file is not None:
        status += " Nøglen (original → pseudonym) er følsom: gem den adskilt fra filerne, og del den ikke."
    return {"rows": rows, "headers": HEADERS, "zip": None if zip_path is None else str(zip_path),
            "mapping": None if mapping_file is None else str(mapping_file), "outputs": outputs, "status": status}


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
