"""Reading text files in the encodings Danish offices produce, and writing without ever half a file.

``decode``: a byte-order mark decides first (UTF-8, UTF-16 LE/BE); then strict UTF-8; then
charset-normalizer, limited to the legacy encodings Danish Windows and Mac machines write (cp1252,
latin-1, UTF-16 without a mark). A binary file or an undecidable one is refused with E002, which
names the file and never quotes its content.
"""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from narrativ_nlp.errors import NarrativError

#: the encodings tried after UTF-8, in charset-normalizer's names
LEGACY_ENCODINGS = ["cp1252", "latin_1", "utf_16", "mac_roman"]
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252", ...


def decode(data: bytes, path: str | Path = "<input>") -> DecodedText:
    """Text of ``data``; see the module docstring."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", path, "utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            raise NarrativError("E002", path=str(path))
        return DecodedText(text, "utf-8")
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise NarrativError("E002", path=str(path))
    text = str(best)
    if "\x00" in text:
        raise NarrativError("E002", path=str(path))
    return DecodedText(text, best.encoding)


def _strict(data: bytes, encoding: str, path: str | Path, name: str | None = None) -> DecodedText:
    try:
        return DecodedText(data.decode(encoding), name or encoding)
    except UnicodeDecodeError:
        raise NarrativError("E002", path=str(path)) from None


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a file in any supported encoding (E001 missing, E002 undecidable, E031 too large)."""
    return read_decoded(path, max_bytes).text


def read_decoded(path: Path, max_bytes: int = MAX_FILE_BYTES) -> DecodedText:
    path = Path(path)
    if not path.is_file():
        raise NarrativError("E001", path=str(path))
    size = path.stat().st_size
    if size > max_bytes:
        raise NarrativError("E031", path=str(path), mb=round(size / 1e6, 1), max_mb=round(max_bytes / 1e6))
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NarrativError("E003", path=str(path), detail=exc.strerror or type(exc).__name__) from None
    return decode(data, path)


def atomic_write(target: Path, write: Callable[[Path], None], mode: int | None = None, overwrite: bool = True) -> Path:
    """Call ``write(tmp)`` on a temporary file in ``target``'s folder, then rename it to ``target``
    (a crash never leaves half a file). ``mode``: permissions, e.g. 0o600 for a file with real names.

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
        if mode is not None:
            os.chmod(tmp_path, mode)
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
