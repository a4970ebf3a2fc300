"""Every text-bearing place of a Word document (.docx), read and written back in place.

Pure file handling, no NLP. The caller decides what to replace; this module finds the texts,
hands them over in one call and writes the answers back into the same places.

Usage::

    from narrativ_nlp.io.docx import read_docx, write_docx

    doc = read_docx(path)                # NarrativError E001, E080-E087 for a bad file
    text = doc.text_for_import()         # the narrative: body, nested tables, text boxes,
                                         # content controls, tracked insertions; "\\n" between paragraphs
    for seg in doc.segments:             # every place: seg.part, seg.kind, seg.story, seg.text
        ...

    def replace(texts: list[str]) -> list[str]:   # called ONCE with the texts of all segments
        return [anonymise(t) for t in texts]     # same length, same order

    report = write_docx(src, dst, replace)        # dst written via a temp file, then renamed

What is read (``DocxSegment.kind``):

* the main document (``story="body"``), every header*.xml and footer*.xml (default, first, even),
  footnotes, endnotes, comments and the glossary (building blocks): one segment per paragraph, the
  concatenation of its ``w:t`` texts (``w:tab`` gives "\\t", ``w:br``/``w:cr`` give "\\n"). The kind
  is the innermost container: "body" / "header" / "footer" / "footnote" / "endnote" / "comment" /
  "glossary", or "table" (a cell, nested tables too), "textbox" (``w:txbxContent``, both the
  ``mc:Choice`` and the ``mc:Fallback`` copy; the fallback copy has ``in_fallback=True``),
  "content_control" (``w:sdt``; also drop-down items and legacy form-field defaults, entries and
  help texts), or "insertion" when the paragraph holds tracked-inserted text
  (``w:ins``/``w:moveTo``). Hyperlink display text and field results are ordinary runs.
* "deletion": the tracked-deleted text of a paragraph (``w:delText``, ``w:moveFrom``), one segment
  per paragraph. **Decision: tracked deletions are anonymised, not removed.** Removing them would
  silently change the revision history the user is to review (the human decides); anonymised, they
  hold no name and the document still shows what was changed.
* "field": field codes (``w:instrText``, ``w:fldSimple/@w:instr``), e.g. a ``HYPERLINK "mailto:..."``.
* "author": ``w:author`` of tracked changes (``w:ins``, ``w:del``, ``w:rPrChange``, ...);
  "comment_author": ``w:comment/@w:author`` and ``@w:initials``, and ``people.xml``
  (``w15:person/@w15:author``, ``w15:presenceInfo/@w15:userId``). An author attribute always names a
  person: it is written as the caller's replacement when the caller changed it, else as the neutral
  value ``NEUTRAL`` ("narrativ"); initials are derived from the written author.
* "alt_text": image and shape descriptions (``docPr``/``cNvPr`` ``@descr``/``@title``, VML ``@alt``,
  table captions and descriptions).
* "link": external relationship targets (``*.rels``): for a ``mailto:`` the decoded address part
  (written back percent-encoded), for other targets (hyperlinks, a template path with a user
  name) the decoded target, a user folder in a local path (``C:/Users/<login>/``) always written as
  ``NEUTRAL``; hyperlink tooltips.
* "property": ``docProps/core.xml`` (``dc:creator`` and ``cp:lastModifiedBy`` are ALWAYS written as
  ``NEUTRAL``; title, subject, description, keywords, category, ... as replaced),
  ``docProps/app.xml`` (Company, Manager, TitlesOfParts, HyperlinkBase, ...), ``docProps/custom.xml``
  values, ``customXml/item*.xml`` (data bound to content controls: Word would restore a name from
  there), document variables (``w:docVar``) and the mail-merge source in settings.xml; a user
  folder in a path (``C:\\Users\\<login>\\``) in a property or field code is always written as
  ``NEUTRAL``.
* "other": text in any other XML part (charts, SmartArt, DrawingML shapes, equations), smart-tag
  attribute values, and any text element a paragraph walk did not reach (a safety net: nothing
  textual goes unread).

``seg.paragraph`` is True for a paragraph's visible text (the segments ``text_for_import`` joins).

Not read: bookmark names, zip entry names, the pixels of pictures, embedded files (see below).

Only the texts are written back. A changed paragraph is rewritten INSIDE its runs: the caller's
new text is aligned with the old one word by word, each changed stretch goes into the first run it
touches and is cut from the others, so formatting, images, hyperlinks, fields and tables survive.
Parts in which nothing changed are copied byte for byte. The thumbnail (``docProps/thumbnail.*``,
a picture of the first page) is left out of the output by default. Parts that can hold text but
are not XML (embedded workbooks or documents, ``altChunk`` imports, macros) are copied unchanged
and listed in ``unprocessed``; the caller may refuse such a file.

Limits, checked on the zip directory and the raw bytes BEFORE any XML is parsed: entries
(``MAX_ENTRIES``), unpacked size (``MAX_UNPACKED_BYTES``), compression ratio per large entry
(``MAX_RATIO``), paragraphs (``MAX_PARAGRAPHS``) and XML elements (``MAX_ELEMENTS``); a DTD or
entity declaration is refused; XML is parsed with entities unresolved, no network and no huge-tree
mode. Every refusal is a NarrativError with a Danish message that names no document text.
"""

from __future__ import annotations

import difflib
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from lxml import etree

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.textio import atomic_write

__all__ = ["DocxDocument", "DocxSegment", "WriteReport", "read_docx", "write_docx", "NEUTRAL",
           "MAX_ENTRIES", "MAX_UNPACKED_BYTES", "MAX_RATIO", "MAX_PARAGRAPHS", "MAX_ELEMENTS"]

NEUTRAL = "narrativ"

MAX_ENTRIES = 1000
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100  # per entry, for entries above RATIO_MIN_BYTES unpacked
RATIO_MIN_BYTES = 1024 * 1024
MAX_PARAGRAPHS = 20_000
MAX_ELEMENTS = 1_000_000  # ~0,4 GB and tens of seconds at the limit (measured); a long real note has ~30,000

# ---------------------------------------------------------------------------------------------
# namespaces

W_NS = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main")  # transitional, strict
W = W_NS[0]
A_NS = ("http://schemas.openxmlformats.org/drawingml/2006/main", "http://purl.oclc.org/ooxml/drawingml/main")
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
V = "urn:schemas-microsoft-com:vml"
O = "urn:schemas-microsoft-com:office:office"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DC = "http://purl.org/dc/elements/1.1/"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DCTERMS = "http://purl.org/dc/terms/"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
EP_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
         "http://purl.oclc.org/ooxml/officeDocument/extendedProperties")

_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
STORY_TYPES = {
    _CT + "document.main+xml": "body", _CT + "template.main+xml": "body",
    "application/vnd.ms-word.document.macroEnabled.main+xml": "body",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": "body",
    _CT + "header+xml": "header", _CT + "footer+xml": "footer",
    _CT + "footnotes+xml": "footnote", _CT + "endnotes+xml": "endnote",
    _CT + "comments+xml": "comment", _CT + "document.glossary+xml": "glossary",
}
CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
APP_TYPE = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
SETTINGS_TYPE = _CT + "settings+xml"
PEOPLE_TYPE = _CT + "people+xml"
# XML parts without user text: copied as they are (style names, fonts, numbering, theme, ids)
SKIP_TYPES = {
    _CT + "styles+xml", _CT + "fontTable+xml", _CT + "numbering+xml", _CT + "webSettings+xml",
    "application/vnd.openxmlformats-officedocument.theme+xml",
    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    _CT + "commentsExtended+xml", _CT + "commentsIds+xml", _CT + "commentsExtensible+xml",
    "application/vnd.ms-word.stylesWithEffects+xml",
}
# core properties that are dates or counters, not text
CORE_SKIP = {f"{{{DCTERMS}}}created", f"{{{DCTERMS}}}modified", f"{{{CP}}}lastPrinted", f"{{{CP}}}revision"}
CORE_NEUTRAL = {f"{{{DC}}}creator", f"{{{CP}}}lastModifiedBy"}
APP_SKIP_LOCAL = {"Application", "AppVersion", "DocSecurity", "HeadingPairs", "TotalTime", "Pages", "Words",
                  "Characters", "CharactersWithSpaces", "Lines", "Paragraphs", "ScaleCrop", "LinksUpToDate",
                  "SharedDoc", "HyperlinksChanged"}

#: kinds whose paragraphs of the main document make up the narrative (``text_for_import``)
IMPORT_KINDS = frozenset({"body", "table", "textbox", "content_control", "insertion"})

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                          dtd_validation=False, remove_blank_text=False)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_P_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")
_EL_OPEN = re.compile(rb"<[A-Za-z_]")
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


_W_PREFIXES = tuple(f"{{{ns}}}" for ns in W_NS)
_MC_FALLBACK = f"{{{MC}}}Fallback"


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(el) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _is_w(el, local: str) -> bool:
    return _local(el) == local and _ns(el) in W_NS


def _wattr(el, name: str) -> str | None:
    """The attribute key of ``w:name`` present on ``el`` (transitional or strict namespace), or None."""
    for ns in W_NS:
        key = f"{{{ns}}}{name}"
        if key in el.attrib:
            return key
    return None


# ---------------------------------------------------------------------------------------------
# public data


@dataclass(slots=True)
class _Piece:
    """One place a text lives: an element's text or tail, an attribute, or a fixed character."""

    el: object
    slot: str  # "text", "tail", "@{ns}name" (attribute), or "fixed"
    fixed: str = ""

    @property
    def editable(self) -> bool:
        return self.slot != "fixed"

    def get(self) -> str:
        if self.slot == "fixed":
            return self.fixed
        if self.slot == "text":
            return self.el.text or ""
        if self.slot == "tail":
            return self.el.tail or ""
        return self.el.get(self.slot[1:]) or ""

    def set(self, value: str) -> None:
        if self.slot == "text":
            self.el.text = value
            if _ns(self.el) in W_NS and value != value.strip():
                self.el.set(XML_SPACE, "preserve")
        elif self.slot == "tail":
            self.el.tail = value
        elif self.slot.startswith("@"):
            self.el.set(self.slot[1:], value)


@dataclass
class DocxSegment:
    """One text of the document. ``part`` is the zip entry ("word/document.xml", "word/header2.xml",
    "word/comments.xml", "docProps/core.xml", "word/_rels/document.xml.rels", ...); ``kind`` says
    what it is (see the module docstring); ``story`` is the story a paragraph belongs to ("body",
    "header", "footer", "footnote", "endnote", "comment", "glossary") or "" for other places."""

    part: str
    kind: str
    text: str
    story: str = ""
    in_fallback: bool = False
    index: int = 0  # position in DocxDocument.segments
    paragraph: bool = False  # the visible text of a paragraph (not a deletion, field, attribute or property)
    _pieces: list[_Piece] = field(default_factory=list, repr=False, compare=False)
    _policy: str = field(default="replace", repr=False, compare=False)  # replace|neutral|author|initials|mailto|url
    _link: int = field(default=-1, repr=False, compare=False)  # initials: index of the author segment


@dataclass
class DocxDocument:
    path: Path
    segments: list[DocxSegment]
    #: parts that may hold text but are not XML (embedded files, altChunk imports, macros, the
    #: thumbnail picture of the first page): copied unchanged, never read
    unprocessed: list[str]

    def text_for_import(self) -> str:
        """The narrative a user means: the main document's paragraphs (nested tables, text boxes
        once, content controls, tracked insertions) in reading order, joined by "\\n"; no headers,
        footers, notes, comments, deletions, field codes or properties; empty paragraphs skipped."""
        return "\n".join(s.text for s in self.segments
                         if s.paragraph and s.story == "body" and s.kind in IMPORT_KINDS and not s.in_fallback
                         and s.text.strip())

    def texts(self) -> list[str]:
        return [s.text for s in self.segments]


@dataclass
class WriteReport:
    segments: int  # texts handed to ``replace``
    changed: int  # texts written with a new value
    neutralised: int  # author fields set to NEUTRAL
    changed_by_kind: dict[str, int]
    parts_written: list[str]  # parts re-serialised; every other part is copied byte for byte
    parts_copied: int
    unprocessed: list[str]  # see DocxDocument.unprocessed (without what was removed)
    removed: list[str] = field(default_factory=list)  # parts left out of the output (the thumbnail)


# ---------------------------------------------------------------------------------------------
# package loading with limits


@dataclass
class _Package:
    path: Path
    infos: list[zipfile.ZipInfo]
    raw: dict[str, bytes]  # every entry's bytes
    trees: dict[str, object]  # parsed XML parts we read
    segments: list[DocxSegment]
    unprocessed: list[str]


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Danish thousands separator


def _mb(n: float) -> str:
    """Megabytes with a decimal comma, rounded up (so 50 MB and a byte is not "50,0")."""
    return f"{math.ceil(n / (1024 * 1024) * 10) / 10:.1f}".replace(".", ",")


def _damaged(path: Path, detail: str) -> NarrativError:
    return NarrativError("E080", path=str(path), detail=detail)


def _open_checked(path: Path) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    if not path.is_file():
        raise NarrativError("E001", path=str(path))
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise NarrativError("E087", path=str(path))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise _damaged(path, "ikke en zip-pakke") from None
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        zf.close()
        raise NarrativError("E081", path=str(path), n=_count(len(infos)), max=_count(MAX_ENTRIES))
    names = [i.filename for i in infos]
    if len(set(n.lower() for n in names)) != len(names):
        zf.close()
        raise _damaged(path, "pakken har to dele med samme navn")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        zf.close()
        raise NarrativError("E082", path=str(path), size=_mb(total), max=_mb(MAX_UNPACKED_BYTES))
    for info in infos:
        if info.file_size > RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > MAX_RATIO:
                zf.close()
                raise NarrativError("E083", path=str(path), part=info.filename, ratio=round(ratio), max=MAX_RATIO)
    if "[Content_Types].xml" not in names:
        zf.close()
        raise _damaged(path, "[Content_Types].xml mangler")
    return zf, infos


def _xml_text_bytes(data: bytes) -> bytes:
    """The bytes to scan for markup: UTF-16 parts re-encoded as UTF-8 (for the pre-parse checks)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return data
    return data


def _parse(path: Path, name: str, data: bytes):
    scan = _xml_text_bytes(data)
    if b"<!DOCTYPE" in scan or b"<!ENTITY" in scan:
        raise NarrativError("E086", path=str(path), part=name)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        raise _damaged(path, f"delen {name} er ikke gyldig XML") from None
    tree = root.getroottree()
    if tree.docinfo.doctype:
        raise NarrativError("E086", path=str(path), part=name)
    return root


def _content_types(path: Path, data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    root = _parse(path, "[Content_Types].xml", data)
    overrides, defaults = {}, {}
    for el in root:
        if _local(el) == "Override":
            overrides[(el.get("PartName") or "").lstrip("/").lower()] = el.get("ContentType") or ""
        elif _local(el) == "Default":
            defaults[(el.get("Extension") or "").lower()] = el.get("ContentType") or ""
    return overrides, defaults


_PICTURE_TYPES = ("image/", "font/", "application/x-font",
                  "application/vnd.openxmlformats-officedocument.obfuscatedFont")
_PICTURE_SUFFIXES = (".png", ".jpeg", ".jpg", ".gif", ".emf", ".wmf", ".bmp", ".tif", ".tiff", ".odttf", ".ttf")


def _may_hold_text(name: str, ctype: str) -> bool:
    """A non-XML part that may hold text: anything but pictures and fonts (the thumbnail is a
    picture of the first page, so it counts)."""
    if PurePosixPath(name).stem.lower() == "thumbnail":
        return True
    return not (ctype.startswith(_PICTURE_TYPES) or name.lower().endswith(_PICTURE_SUFFIXES))


def _load(path: Path) -> _Package:
    path = Path(path)
    zf, infos = _open_checked(path)
    with zf:
        raw: dict[str, bytes] = {}
        try:
            for info in infos:
                raw[info.filename] = zf.read(info)
        except Exception:  # BadZipFile (CRC), zlib.error, an encrypted entry (RuntimeError), EOFError
            raise _damaged(path, "en del kunne ikke pakkes ud") from None
    overrides, defaults = _content_types(path, raw["[Content_Types].xml"])

    def ctype(name: str) -> str:
        key = name.lower()
        return overrides.get(key) or defaults.get(PurePosixPath(key).suffix.lstrip("."), "")

    # pre-parse counts over every XML part
    n_par = n_el = 0
    xml_parts, unprocessed = [], []
    for info in infos:
        name = info.filename
        if name.endswith("/"):
            continue
        ct = ctype(name)
        is_xml = name.lower().endswith((".xml", ".rels")) or ct.endswith("xml")
        if not is_xml:
            if _may_hold_text(name, ct):
                unprocessed.append(name)
            continue
        scan = _xml_text_bytes(raw[name])
        n_par += len(_P_OPEN.findall(scan))
        n_el += len(_EL_OPEN.findall(scan))
        xml_parts.append((name, ct))
    if n_par > MAX_PARAGRAPHS:
        raise NarrativError("E084", path=str(path), n=_count(n_par), max=_count(MAX_PARAGRAPHS))
    if n_el > MAX_ELEMENTS:
        raise NarrativError("E085", path=str(path), n=_count(n_el), max=_count(MAX_ELEMENTS))

    if not any(STORY_TYPES.get(ct) == "body" for _, ct in xml_parts):
        raise _damaged(path, "dokumentets hoveddel (word/document.xml) mangler")

    trees: dict[str, object] = {}
    segments: list[DocxSegment] = []
    # the main document first, then the other stories, then everything else, each in zip order
    order = sorted(xml_parts, key=lambda nc: (0 if STORY_TYPES.get(nc[1]) == "body" else
                                              1 if nc[1] in STORY_TYPES else 2))
    for name, ct in order:
        if name == "[Content_Types].xml" or ct in SKIP_TYPES:
            continue
        root = _parse(path, name, raw[name])
        trees[name] = root
        if ct in STORY_TYPES:
            _story_segments(root, name, STORY_TYPES[ct], segments)
        elif name.lower().endswith(".rels"):
            _rels_segments(root, name, segments)
        elif ct == CORE_TYPE:
            _leaf_segments(root, name, "property", segments, skip=CORE_SKIP, neutral=CORE_NEUTRAL)
        elif ct == APP_TYPE:
            _leaf_segments(root, name, "property", segments,
                           skip={f"{{{ns}}}{loc}" for ns in EP_NS for loc in APP_SKIP_LOCAL})
        elif ct == CUSTOM_TYPE or name.lower().startswith("customxml/"):
            _leaf_segments(root, name, "property", segments)
        elif ct == SETTINGS_TYPE:
            _settings_segments(root, name, segments)
        elif ct == PEOPLE_TYPE:
            _people_segments(root, name, segments)
        elif any(_is_w(el, "p") for el in root.iter()):
            _story_segments(root, name, "other", segments)
        else:
            _leaf_segments(root, name, "other", segments)
    for i, seg in enumerate(segments):
        seg.index = i
    return _Package(path, infos, raw, trees, segments, unprocessed)


# ---------------------------------------------------------------------------------------------
# finding segments


def _seg(segments: list, part: str, kind: str, pieces: list[_Piece], story: str = "", in_fallback: bool = False,
         policy: str = "replace", text: str | None = None, link: int = -1) -> DocxSegment:
    seg = DocxSegment(part, kind, "".join(p.get() for p in pieces) if text is None else text, story=story,
                      in_fallback=in_fallback, index=len(segments), _pieces=pieces, _policy=policy, _link=link)
    segments.append(seg)
    return seg


class _Para:
    __slots__ = ("container", "fallback", "visible", "deleted", "instr", "has_ins", "has_sdt")

    def __init__(self, container: str, fallback: bool) -> None:
        self.container, self.fallback = container, fallback
        self.visible: list[_Piece] = []
        self.deleted: list[_Piece] = []
        self.instr: list[_Piece] = []
        self.has_ins = self.has_sdt = False


_FIXED = {"tab": "\t", "ptab": "\t", "br": "\n", "cr": "\n", "noBreakHyphen": "-"}
_NO_TEXT = {"rPr", "pPr", "tblPr", "trPr", "tcPr", "sectPr", "sdtPr", "sdtEndPr", "tblGrid", "numPr"}


def _story_segments(root, part: str, story: str, segments: list) -> None:
    paras: list[_Para] = []
    seen: set = set()  # the text elements the paragraph walk reached (elements, kept alive)

    def walk(el, para: _Para | None, container: str, fallback: bool, ins: bool, dele: bool) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag.startswith(_W_PREFIXES):
                loc = tag.rsplit("}", 1)[1]
            else:
                walk(child, para, container, fallback or tag == _MC_FALLBACK, ins, dele)
                continue
            if loc in _NO_TEXT:
                continue
            if loc == "p":
                p = _Para(container, fallback)
                paras.append(p)
                walk(child, p, container, fallback, ins, dele)
                continue
            if loc == "t" and para is not None:
                seen.add(child)
                (para.deleted if dele else para.visible).append(_Piece(child, "text"))
                para.has_ins |= ins and not dele
                continue
            if loc == "delText" and para is not None:
                seen.add(child)
                para.deleted.append(_Piece(child, "text"))
                continue
            if loc in ("instrText", "delInstrText") and para is not None:
                seen.add(child)
                para.instr.append(_Piece(child, "text"))
                continue
            if loc in _FIXED and para is not None and _local(child.getparent()) == "r":
                (para.deleted if dele else para.visible).append(_Piece(child, "fixed", _FIXED[loc]))
                continue
            sub_container, sub_ins, sub_del = container, ins, dele
            if loc == "txbxContent":
                sub_container = "textbox"
            elif loc == "sdtContent":
                if para is not None:
                    para.has_sdt = True
                else:
                    sub_container = "content_control"
            elif loc == "tc":
                sub_container = "table"
            elif loc in ("ins", "moveTo"):
                sub_ins = True
            elif loc in ("del", "moveFrom"):
                sub_del = True
            # a text box inside a paragraph starts its own paragraphs; walk() handles w:p itself
            walk(child, para, sub_container, fallback, sub_ins, sub_del)

    walk(root, None, "", False, False, False)
    for p in paras:
        if p.has_ins:
            kind = "insertion"
        elif p.container:
            kind = p.container
        elif p.has_sdt:
            kind = "content_control"
        else:
            kind = story
        _seg(segments, part, kind, p.visible, story, p.fallback).paragraph = True
        if p.deleted and any(x.editable and x.get() for x in p.deleted):
            _seg(segments, part, "deletion", p.deleted, story, p.fallback)
        if p.instr and any(x.get().strip() for x in p.instr):
            _seg(segments, part, "field", p.instr, story, p.fallback)

    # attributes: authors, initials, alt texts, field instructions, tooltips, list items
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        loc, ns = _local(el), _ns(el)
        key = _wattr(el, "author")
        if key:
            if loc == "comment":
                author = _seg(segments, part, "comment_author", [_Piece(el, "@" + key)], story, policy="author")
                ikey = _wattr(el, "initials")
                if ikey:
                    _seg(segments, part, "comment_author", [_Piece(el, "@" + ikey)], story, policy="initials",
                         link=author.index)
            else:
                _seg(segments, part, "author", [_Piece(el, "@" + key)], story, policy="author")
        if ns in W_NS:
            if loc == "fldSimple" and (k := _wattr(el, "instr")):
                _seg(segments, part, "field", [_Piece(el, "@" + k)], story)
            elif loc == "hyperlink" and (k := _wattr(el, "tooltip")):
                _seg(segments, part, "link", [_Piece(el, "@" + k)], story)
            elif loc == "listItem":
                for name in ("displayText", "value"):
                    if k := _wattr(el, name):
                        _seg(segments, part, "content_control", [_Piece(el, "@" + k)], story)
            elif loc in ("tblCaption", "tblDescription") and (k := _wattr(el, "val")):
                _seg(segments, part, "alt_text", [_Piece(el, "@" + k)], story)
            elif loc in ("listEntry", "default", "statusText", "helpText") and (k := _wattr(el, "val")):
                # legacy form fields (w:ffData): drop-down entries, default text, help texts
                if el.get(k).strip() and not (loc == "default" and _local(el.getparent()) == "checkBox"):
                    _seg(segments, part, "content_control", [_Piece(el, "@" + k)], story)
            elif loc == "attr" and (k := _wattr(el, "val")) and el.get(k).strip():
                # smart tag and custom XML attributes (an old "PersonName" smart tag holds the name)
                _seg(segments, part, "other", [_Piece(el, "@" + k)], story)
        elif loc in ("docPr", "cNvPr"):
            for name in ("descr", "title"):
                if el.get(name):
                    _seg(segments, part, "alt_text", [_Piece(el, "@" + name)], story)
        elif ns in (V, O):
            for name in ("alt", "title", f"{{{O}}}title"):
                if el.get(name):
                    _seg(segments, part, "alt_text", [_Piece(el, "@" + name)], story)
            if loc == "textpath" and el.get("string"):
                _seg(segments, part, "textbox", [_Piece(el, "@string")], story)

    # safety net: any text the paragraph walk did not reach (DrawingML, math, stray runs)
    _leaf_segments(root, part, "other", segments, story=story, exclude=seen, only_t=True)


def _leaf_segments(root, part: str, kind: str, segments: list, *, skip: set | None = None,
                   neutral: set | None = None, story: str = "", exclude: set | None = None,
                   only_t: bool = False) -> None:
    """Every element text and tail holding more than whitespace; DrawingML ``a:t`` grouped per ``a:p``.

    ``only_t``: in story parts, only text elements (``*:t``, ``w:delText``, ``w:instrText``) count;
    layout values (offsets, sizes) are numbers, not text."""
    skip = skip or set()
    neutral = neutral or set()
    exclude = exclude or set()
    done: set = set()
    for el in root.iter():
        if not isinstance(el.tag, str) or el in exclude or el in done:
            continue
        loc, ns = _local(el), _ns(el)
        if only_t and loc not in ("t", "delText", "instrText"):
            continue
        if skip and (el.tag in skip or any(a.tag in skip for a in el.iterancestors())):
            continue
        if loc == "t" and ns in A_NS:
            para = next((a for a in el.iterancestors() if _local(a) == "p" and _ns(a) in A_NS), None)
            if para is not None:
                pieces = []
                for x in para.iter():
                    if not isinstance(x.tag, str) or _ns(x) not in A_NS:
                        continue
                    if _local(x) == "t":
                        pieces.append(_Piece(x, "text"))
                        done.add(x)
                    elif _local(x) == "br":
                        pieces.append(_Piece(x, "fixed", "\n"))
                if any(p.get().strip() for p in pieces):
                    _seg(segments, part, kind, pieces, story)
                continue
        if el.text and el.text.strip():
            policy = "neutral" if el.tag in neutral else "replace"
            _seg(segments, part, kind, [_Piece(el, "text")], story, policy=policy)
        if not only_t and el.tail and el.tail.strip() and el.getparent() is not None:
            _seg(segments, part, kind, [_Piece(el, "tail")], story)


def _rels_segments(root, part: str, segments: list) -> None:
    for el in root:
        if _local(el) != "Relationship" or (el.get("TargetMode") or "").lower() != "external":
            continue
        target = el.get("Target") or ""
        if not target.strip():
            continue
        if target.lower().startswith("mailto:"):
            _seg(segments, part, "link", [_Piece(el, "@Target")], policy="mailto", text=unquote(target[7:]))
        else:
            _seg(segments, part, "link", [_Piece(el, "@Target")], policy="url", text=unquote(target))


def _settings_segments(root, part: str, segments: list) -> None:
    """Document variables and the mail-merge source (a connection string names a file and its folder)."""
    for el in root.iter():
        if isinstance(el.tag, str) and _local(el) in ("docVar", "connectString", "query", "udl", "table", "src") \
                and _ns(el) in W_NS and (k := _wattr(el, "val")) and el.get(k).strip():
            _seg(segments, part, "property", [_Piece(el, "@" + k)])


def _people_segments(root, part: str, segments: list) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name in ("author", "userId"):
            key = f"{{{W15}}}{name}"
            if el.get(key):
                _seg(segments, part, "comment_author", [_Piece(el, "@" + key)], policy="author")


# ---------------------------------------------------------------------------------------------
# writing


def _diff(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Changed stretches ``(a0, a1, b0, b1)`` in character offsets, aligned word by word."""
    ta, tb = _TOKEN.findall(old), _TOKEN.findall(new)
    # the common head and tail first: the matcher then sees only the changed middle
    head, n = 0, min(len(ta), len(tb))
    while head < n and ta[head] == tb[head]:
        head += 1
    tail = 0
    while tail < n - head and ta[-1 - tail] == tb[-1 - tail]:
        tail += 1
    ca = list(accumulate(map(len, ta), initial=0))
    cb = list(accumulate(map(len, tb), initial=0))
    sm = difflib.SequenceMatcher(None, ta[head:len(ta) - tail], tb[head:len(tb) - tail], autojunk=False)
    return [(ca[head + i1], ca[head + i2], cb[head + j1], cb[head + j2])
            for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"]


def _remove(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _spread(pieces: list[_Piece], new: str) -> None:
    """Write ``new`` over the pieces: each changed stretch into the first piece it touches."""
    old_texts = [p.get() for p in pieces]
    editable = [i for i, p in enumerate(pieces) if p.editable]
    if not editable:
        return
    starts = [0]
    for t in old_texts:
        starts.append(starts[-1] + len(t))
    cur = list(old_texts)
    drop: set[int] = set()
    for a0, a1, b0, b1 in reversed(_diff("".join(old_texts), new)):
        s = new[b0:b1]
        touched = [i for i in range(len(pieces)) if starts[i] < a1 and starts[i + 1] > a0]
        ed = [i for i in touched if pieces[i].editable]
        if a0 == a1 or not ed:
            # insertion (or only fixed characters replaced): the editable piece ending at a0, else
            # the one starting there, else the nearest one
            left = [i for i in editable if starts[i] < a0 <= starts[i + 1]]
            right = [i for i in editable if starts[i] >= a0]
            target = left[-1] if left else right[0] if right else editable[-1]
            local = min(max(a0 - starts[target], 0), len(old_texts[target]))
            cur[target] = cur[target][:local] + s + cur[target][local:]
        else:
            for i in ed:
                ls = max(a0, starts[i]) - starts[i]
                le = min(a1, starts[i + 1]) - starts[i]
                cur[i] = cur[i][:ls] + (s if i == ed[0] else "") + cur[i][le:]
        drop.update(i for i in touched if not pieces[i].editable)
    if "".join(c for i, c in enumerate(cur) if i not in drop) != new:
        # cannot happen with disjoint stretches; never leave the old text behind: everything in the first piece
        cur = ["" for _ in pieces]
        cur[editable[0]] = new
        drop = {i for i, p in enumerate(pieces) if not p.editable}
    for i, p in enumerate(pieces):
        if p.editable and cur[i] != old_texts[i]:
            p.set(cur[i])
    for i in drop:
        _remove(pieces[i].el)


_LOCAL_PATH = re.compile(r"(?i)(file:|[a-z]:[/\\]|[/\\])")
_USER_FOLDER = re.compile(r"(?i)([/\\](?:Users|home|Documents and Settings)[/\\])([^/\\]+)")


def _neutral_user_folder(target: str) -> str:
    """A local path names its user (``C:/Users/<login>/...``, ``/home/<login>/``): that folder
    becomes NEUTRAL whatever the caller found (a login is rarely recognised as a name)."""
    if not _LOCAL_PATH.match(target):
        return target  # a web address: /home/ there is no user folder
    return _USER_FOLDER.sub(lambda m: m.group(1) + NEUTRAL, target)


def _initials(author: str) -> str:
    letters = "".join(w[0] for w in re.findall(r"\w+", author))
    return (letters[:3] or "N").upper()


def read_docx(path: str | Path) -> DocxDocument:
    """Read every text-bearing place of ``path``; NarrativError (E001, E080-E087) for a bad file."""
    pkg = _load(Path(path))
    return DocxDocument(pkg.path, pkg.segments, pkg.unprocessed)


_THUMBNAIL_REL = "/metadata/thumbnail"


def _drop_thumbnails(pkg: _Package) -> list[str]:
    """Remove the thumbnail (a picture of the first page, names and all) and its relationship."""
    rels = pkg.trees.get("_rels/.rels")
    if rels is None:
        return []
    dropped = []
    for el in list(rels):
        if _local(el) == "Relationship" and (el.get("Type") or "").endswith(_THUMBNAIL_REL) \
                and (el.get("TargetMode") or "").lower() != "external":
            name = (el.get("Target") or "").lstrip("/")
            if name in pkg.raw:
                dropped.append(name)
            rels.remove(el)
    if dropped:  # an Override naming a part that is gone makes Word complain
        ct = pkg.trees.get("[Content_Types].xml")
        if ct is None:
            ct = pkg.trees["[Content_Types].xml"] = _parse(pkg.path, "[Content_Types].xml",
                                                          pkg.raw["[Content_Types].xml"])
        for el in list(ct):
            if _local(el) == "Override" and (el.get("PartName") or "").lstrip("/") in dropped:
                ct.remove(el)
    return dropped


def write_docx(src: str | Path, dst: str | Path, replace: Callable[[list[str]], list[str]], *,
               drop_thumbnail: bool = True) -> WriteReport:
    """Anonymise ``src`` into ``dst``: ``replace`` is called once with the texts of all segments (in
    ``read_docx(src).segments`` order) and must return as many strings; each is written back into
    the place it came from (see the module docstring for authors and core properties). ``dst`` is
    written to a temporary file and renamed (an existing ``dst`` is replaced: refusing to overwrite
    is the caller's decision); ``src`` may equal ``dst``. Nothing is written when the file is refused
    or ``replace`` fails. ``ValueError`` if ``replace`` returns the wrong number of strings.
    ``drop_thumbnail``: remove ``docProps/thumbnail.*`` (a picture of the first page) and its
    relationship, listed in ``WriteReport.removed``."""
    src, dst = Path(src), Path(dst)
    pkg = _load(src)
    texts = [s.text for s in pkg.segments]
    new = list(replace(list(texts)))
    if len(new) != len(texts) or not all(isinstance(t, str) for t in new):
        raise ValueError(f"replace() must return {len(texts)} strings, got {len(new)}")

    written: dict[int, str] = {}
    changed_by_kind: Counter = Counter()
    dirty: set[str] = set()
    neutralised = 0
    for seg, text in zip(pkg.segments, new):
        value = text
        if seg._policy == "neutral" or (seg._policy == "author" and text == seg.text):
            value = NEUTRAL
            if seg.text != NEUTRAL:
                neutralised += 1
        elif seg._policy == "initials":
            value = _initials(written.get(seg._link, NEUTRAL))
        written[seg.index] = value
        if seg._policy == "url":
            value = _neutral_user_folder(value)
        elif seg.kind in ("field", "property") and seg._policy == "replace":
            # INCLUDEPICTURE "C:\\Users\\<login>\\...", a mail-merge source, app.xml's Template
            value = _USER_FOLDER.sub(lambda m: m.group(1) + NEUTRAL, value)
        if value == seg.text and seg._policy != "initials":
            continue
        piece = seg._pieces[0] if seg._pieces else None
        if seg._policy == "mailto":
            piece.set("mailto:" + quote(value, safe="@.+-_~!$&'()*,;=:?/"))
        elif seg._policy == "url":
            piece.set(quote(value, safe=":/?#[]@!$&'()*+,;=%.~-_\\"))
        elif seg._policy in ("neutral", "author", "initials") or len(seg._pieces) == 1 and seg._pieces[0].editable:
            if piece.get() == value:
                continue
            piece.set(value)
        else:
            _spread(seg._pieces, value)
        dirty.add(seg.part)
        changed_by_kind[seg.kind] += 1

    removed = _drop_thumbnails(pkg) if drop_thumbnail else []
    if removed:
        dirty.update(("_rels/.rels", "[Content_Types].xml"))

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w") as out:
            for info in pkg.infos:
                if info.filename in removed:
                    continue
                if info.filename in dirty:
                    data = etree.tostring(pkg.trees[info.filename], xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                else:
                    data = pkg.raw[info.filename]
                zi = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                zi.compress_type = info.compress_type if info.compress_type in (zipfile.ZIP_STORED,
                                                                                 zipfile.ZIP_DEFLATED) \
                    else zipfile.ZIP_DEFLATED
                zi.external_attr = info.external_attr
                zi.create_system = info.create_system
                out.writestr(zi, data)

    atomic_write(dst, write)
    return WriteReport(len(texts), sum(changed_by_kind.values()), neutralised, dict(changed_by_kind),
                       sorted(dirty), len(pkg.infos) - len(dirty) - len(removed),
                       [n for n in pkg.unprocessed if n not in removed], removed)


def open_for_anonymise(path: Path, keep: frozenset[str] = frozenset()):  # -> Segmented
    """Every text place of the document as segments; the writer replaces inside the runs
    (``write_docx``). Parts narrativ cannot read (embedded files, macros) are named in
    ``Segmented.notes`` so the user is told."""
    from narrativ_nlp.io.segments import Segmented

    doc = read_docx(path)
    texts = doc.texts()

    def write(dst: Path, new: list[str]) -> None:
        write_docx(path, dst, lambda _texts: list(new))

    notes = [f"ikke læst: {name}" for name in doc.unprocessed]
    return Segmented(Path(path), "docx", texts, write, [s.kind for s in doc.segments], notes=notes)
