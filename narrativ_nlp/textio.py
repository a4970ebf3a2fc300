"""File reading and writing shared by the batch anonymiser, the importer and the exports.

* ``read_text``: UTF-8 (with or without BOM) or a clear E002 naming the file;
* ``jsonl_objects``: JSON Lines records holding a given key, with line numbers in errors;
* ``atomic_write``: write to a temporary file beside the target, then rename, so a
  crash never leaves half a file; with ``overwrite=False`` an existing file is never replaced (E043).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from narrativ_nlp.errors import NarrativError


def read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NarrativError("E002", path=str(path)) from None


def jsonl_objects(path: Path, key: str) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-empty line; E011 for bad JSON, E040 without ``key``."""
    # JSON Lines are separated by "\n" only (a string may hold U+2028 and friends)
    for lineno, line in enumerate(read_text(path).split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NarrativError("E011", path=str(path), line=lineno, detail=exc.msg) from None
        if not isinstance(obj, dict) or key not in obj:
            raise NarrativError("E040", column=key, path=str(path), columns=", ".join(obj) if isinstance(obj, dict) else "-")
        yield lineno, obj


def atomic_write(target: Path, write: Callable[[Path], None], overwrite: bool = True) -> Path:
    """Call ``write(tmp)`` on a temporary file in ``target``'s folder, then rename it to ``target``.

    ``overwrite=False``: an existing ``target`` raises E043 before anything is written, and the
    file is moved into place with a hard link, so a file that appeared meanwhile is not replaced
    either (E043 again).
    """
    target = Path(target)
    if not overwrite and (target.exists() or target.is_symlink()):
        raise NarrativError("E043", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".narrativ-", suffix=target.suffix)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        if overwrite:
            os.replace(tmp_path, target)
        else:
            try:
                os.link(tmp_path, target)
            except FileExistsError:
                raise NarrativError("E043", path=str(target)) from None
            except OSError:  # a file system without hard links: check once more, then rename
                if target.exists():
                    raise NarrativError("E043", path=str(target)) from None
                os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
    return target


def refuse_existing(targets: list[Path]) -> None:
    """E043 for the first of ``targets`` that exists (checked before a multi-file export writes any)."""
    for t in targets:
        if Path(t).exists() or Path(t).is_symlink():
            raise NarrativError("E043", path=str(t))
