"""Compatibility API for batch anonymisation; the work is done by ``narrativ_nlp.workflows.files``
(every part of every file, one pseudonym per person across the batch, all or nothing)."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from narrativ_nlp.io import SUFFIXES  # noqa: F401  (the formats, for callers that list them)

PARAGRAPH_SEP = "\u2029"


@dataclass
class BatchSummary:
    counts: Counter = field(default_factory=Counter)
    written: list[Path] = field(default_factory=list)


def anonymise_files(inputs: list[Path], out: Path, mode: str = "placeholder", column: str | None = None,
                    mapping_path: Path | None = None, progress: bool = False, force: bool = False) -> BatchSummary:
    """Anonymise ``inputs`` into ``out`` (see ``narrativ_nlp.workflows.files``); the key is
    written to ``mapping_path`` (mode 0600) only when given."""
    from narrativ_nlp.errors import NarrativError
    from narrativ_nlp.workflows.files import FilesRequest
    from narrativ_nlp.workflows.files import anonymise_files as run

    if mapping_path is not None and Path(mapping_path).exists() and not force:
        raise NarrativError("E043", path=str(mapping_path))
    result = run(FilesRequest(inputs=[Path(p) for p in inputs], out=Path(out), mode=mode,
                              mapping=mapping_path is not None, force=force))
    if mapping_path is not None and result.mapping_path is not None:
        Path(mapping_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(result.mapping_path), str(mapping_path))
        os.chmod(mapping_path, 0o600)
    return BatchSummary(result.counts, result.written)
