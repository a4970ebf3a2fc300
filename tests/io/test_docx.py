"""narrativ_nlp.io.docx: every text-bearing place read and written back inside the runs."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.io import docx as ndocx
from narrativ_nlp.io.docx import NEUTRAL, read_docx, write_docx
from tests.io.docx_fixtures import NS, PLACES, build_rich_docx, tiny_png

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"

# the names a leak scan looks for: every full value and every name word of four letters or more
NAMES = sorted(set(PLACES.values()), key=len, reverse=True)
TOKENS = sorted({t for v in NAMES for t in re.split(r"[\s.]+", v) if len(t) >= 4} | set(NAMES), key=len, reverse=True)
PSEUDO = {name: f"Navn{i:02d}" for i, name in enumerate(NAMES)}


def pseudonymise(texts: list[str]) -> list[str]:
    """A stand-in for the detector: one name, one pseudonym, everywhere."""
    out = []
    for t in texts:
        for name in NAMES:
            t = t.replace(name, PSEUDO[name])
        out.append(t)
    return out


def all_strings(path: Path) -> dict[str, list[str]]:
    """Every text, tail and attribute value of every XML part (targets also percent-decoded) and
    each paragraph's runs joined; non-XML parts as their raw bytes decoded leniently."""
    out: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if info.filename.endswith((".xml", ".rels")):
                root = etree.fromstring(data)
                vals = []
                for el in root.iter():
                    vals += [el.text or "", el.tail or ""]
                    if isinstance(el.tag, str):
                        vals += [v for v in el.attrib.values()] + [unquote(v) for v in el.attrib.values()]
                    if el.tag == W + "p":  # a name split over runs
                        vals.append("".join(t.text or "" for t in el.iter(W + "t", W + "delText")))
                out[info.filename] = vals
            else:
                out[info.filename] = [data.decode("utf-8", "ignore")]
    return out


def leaks(path: Path) -> list[tuple[str, str]]:
    found = []
    for part, vals in all_strings(path).items():
        blob = "\n".join(vals).casefold()
        for tok in TOKENS:
            if tok.casefold() in blob:
                found.append((part, tok))
    return found


STRUCT_TAGS = [W + t for t in ("p", "r", "t", "tbl", "tc", "drawing", "hyperlink", "b", "i", "u", "sectPr", "br",
                               "txbxContent", "sdt", "ins", "del", "delText", "comment", "commentRangeStart",
                               "commentReference", "instrText", "moveFrom", "moveTo", "fldChar", "ffData", "footnote", "endnote", "footnoteReference", "endnoteReference",
                               "headerReference", "footerReference", "rStyle")] + [A + "blip"]


def structure(path: Path) -> Counter:
    counts: Counter = Counter()
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("word/") and name.endswith(".xml"):
                root = etree.fromstring(zf.read(name))
                for el in root.iter(*STRUCT_TAGS):
                    counts[el.tag.split("}")[1]] += 1
    return counts


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> Path:
    return build_rich_docx(tmp_path_factory.mktemp("docx") / "observation.docx")


@pytest.fixture(scope="module")
def anonymised(rich, tmp_path_factory) -> tuple[Path, ndocx.WriteReport]:
    out = tmp_path_factory.mktemp("out") / "anonym.docx"
    report = write_docx(rich, out, pseudonymise)
    return out, report


# --- (a) no name left anywhere ----------------------------------------------------------------


def test_the_input_holds_every_name_in_its_place(rich):
    # the scan can fail: every name is found in the input before anonymisation
    found = {tok for _, tok in leaks(rich)}
    assert set(NAMES) <= found


def test_no_name_remains_in_any_part(anonymised):
    out, report = anonymised
    assert leaks(out) == []
    assert report.segments > 50
    assert report.unprocessed == []
    assert report.removed == ["docProps/thumbnail.jpeg"]  # a picture of page 1 is not anonymised: left out
    with zipfile.ZipFile(out) as zf:
        assert "docProps/thumbnail.jpeg" not in zf.namelist()
        assert b"thumbnail" not in zf.read("_rels/.rels")


def test_every_place_was_changed(anonymised):
    _, report = anonymised
    for kind in ("body", "table", "insertion", "deletion", "textbox", "content_control", "comment",
                 "comment_author", "author", "header", "footer", "footnote", "endnote", "property", "link",
                 "alt_text"):
        assert report.changed_by_kind.get(kind, 0) >= 1, kind
    for part in ("word/document.xml", "word/header1.xml", "word/header2.xml", "word/header3.xml",
                 "word/footer1.xml", "word/footer2.xml", "word/footer3.xml", "word/comments.xml",
                 "word/footnotes.xml", "word/endnotes.xml", "word/people.xml", "word/settings.xml",
                 "docProps/core.xml", "docProps/app.xml", "docProps/custom.xml", "customXml/item1.xml",
                 "word/_rels/document.xml.rels", "word/_rels/settings.xml.rels"):
        assert part in report.parts_written, part


def test_the_same_pseudonym_everywhere_and_neutral_authors(anonymised):
    out, _ = anonymised
    doc = read_docx(out)
    by_kind: dict[str, list[str]] = {}
    for s in doc.segments:
        by_kind.setdefault(s.kind, []).append(s.text)
    creator = {s.text for s in doc.segments if s.part == "docProps/core.xml"}
    assert NEUTRAL in creator  # dc:creator and cp:lastModifiedBy
    with zipfile.ZipFile(out) as zf:
        core = etree.fromstring(zf.read("docProps/core.xml"))
        comments = etree.fromstring(zf.read("word/comments.xml"))
        rels = zf.read("word/_rels/document.xml.rels").decode()
    ns = {"dc": "http://purl.org/dc/elements/1.1/",
          "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
    assert core.findtext("dc:creator", namespaces=ns) == NEUTRAL
    assert core.findtext("cp:lastModifiedBy", namespaces=ns) == NEUTRAL
    assert core.findtext("cp:keywords", namespaces=ns) == f"CPR {PSEUDO['120318-1234']}"
    comment = comments.find(W + "comment")
    author = PSEUDO[PLACES["comment_author"]]
    assert comment.get(W + "author") == author  # the caller's pseudonym, as in people.xml
    assert comment.get(W + "initials") == author[0].upper()  # derived from the written author
    assert by_kind["author"] == [PSEUDO[PLACES["revision_author"]]] * 4
    assert f"mailto:{PSEUDO['mette.lauridsen']}@example.dk?subject=Observation" in rels
    assert by_kind["textbox"] == [f"{PSEUDO['Alma Krogh']} sad i tekstboksen"] * 2  # choice and fallback
    assert by_kind["deletion"] == [PSEUDO["Sigurd Frost"], f"{PSEUDO['Hugo Dam']} kom først."]


def test_authors_are_neutral_when_the_caller_keeps_them(rich, tmp_path):
    out = tmp_path / "same.docx"
    report = write_docx(rich, out, lambda texts: list(texts))
    doc = read_docx(out)
    authors = [s.text for s in doc.segments if s.kind in ("author", "comment_author")]
    # w:ins, w:del, w:moveFrom, w:moveTo, the comment's author and initials, people.xml's author and user id
    assert authors == [NEUTRAL] * 4 + [NEUTRAL, "N", NEUTRAL, NEUTRAL]
    assert report.neutralised == 9  # 7 authors + dc:creator + cp:lastModifiedBy
    assert report.changed_by_kind == {"author": 4, "comment_author": 4, "property": 3, "link": 1, "field": 1}
    with zipfile.ZipFile(out) as zf:  # the login in a path, found or not: template link, app.xml, field code
        assert b"file:///C:/Users/narrativ/AppData/" in zf.read("word/_rels/settings.xml.rels")
        assert b"<Template>C:\\Users\\narrativ\\Maler\\" in zf.read("docProps/app.xml")
        assert b'INCLUDEPICTURE "C:\\Users\\narrativ\\Billeder\\leg.jpg"' in zf.read("word/document.xml")
    # the body is untouched: its part is re-serialised (authors) but every text is the same
    before = [s.text for s in read_docx(rich).segments if s.paragraph]
    assert [s.text for s in doc.segments if s.paragraph] == before


# --- (b) structure round-trip ------------------------------------------------------------------


def test_structure_survives(rich, anonymised):
    out, _ = anonymised
    before, after = structure(rich), structure(out)
    assert before == after
    # the fixture really has what the comparison is about
    for tag, n in (("tbl", 2), ("drawing", 2), ("blip", 1), ("hyperlink", 1), ("txbxContent", 2), ("sdt", 2), ("moveFrom", 1), ("moveTo", 1), ("fldChar", 5),
                   ("ins", 1), ("del", 1), ("comment", 1), ("instrText", 2), ("footnote", 3), ("endnote", 3), ("sectPr", 1)):
        assert before[tag] == n, tag
    assert before["b"] >= 3 and before["i"] >= 2


def test_formatting_stays_on_the_runs(anonymised):
    import docx

    out, _ = anonymised
    d = docx.Document(str(out))  # a valid document for python-docx
    texts = [p.text for p in d.paragraphs]
    assert f"I dag legede {PSEUDO['Frederikke']} med {PSEUDO['Oskar Holmgaard']} på legepladsen." in texts
    para = next(p for p in d.paragraphs if p.text.startswith("I dag legede"))
    assert [(r.text, r.bold, r.italic) for r in para.runs] == [
        ("I dag legede ", None, None), (PSEUDO["Frederikke"], True, None), (" med ", None, None),
        (PSEUDO["Oskar Holmgaard"], None, True), (" på legepladsen.", None, None)]
    # a name split over a bold and an italic run: the pseudonym in the first run, the second emptied
    img = next(p for p in d.paragraphs if "Billedet viser" in p.text)
    runs = [(r.text, r.bold, r.italic) for r in img.runs]
    assert runs[2:] == [(PSEUDO["Isabella Sørensen"], True, None), ("", None, True), (" ved gyngerne.", None, None)]
    assert len(d.inline_shapes) == 1
    # the line break inside a run stays between the two pseudonyms
    br = next(p for p in d.paragraphs if "hentede tidligt" in p.text)
    assert br.text == f"{PSEUDO['Ellen']}\n{PSEUDO['Kofoed']} hentede tidligt."
    # the hyperlink keeps its run and style
    link = next(p for p in d.paragraphs if p.text.startswith("Spørgsmål"))
    assert [h.text for h in link.hyperlinks] == [PSEUDO["Mette Lauridsen"]]
    assert link.hyperlinks[0].address.startswith(f"mailto:{PSEUDO['mette.lauridsen']}@")
    # nested table and headers through python-docx
    assert d.tables[0].cell(1, 1).tables[0].cell(0, 0).text == f"Leger med {PSEUDO['Villads']}"
    s = d.sections[0]
    assert s.first_page_header.paragraphs[0].text == f"Førsteside: {PSEUDO['Liva Nørgaard']}"
    assert s.even_page_footer.paragraphs[0].text == f"Udfyldt af {PSEUDO['Esther Aagaard']}"
    assert d.core_properties.title == f"Observation af {PSEUDO['Lærke Møller']}"


def test_untouched_parts_are_copied_byte_for_byte(rich, anonymised):
    out, report = anonymised
    with zipfile.ZipFile(rich) as a, zipfile.ZipFile(out) as b:
        assert [n for n in a.namelist() if n not in report.removed] == b.namelist()  # same parts, same order
        same = [n for n in a.namelist() if n not in report.parts_written + report.removed]
        assert "word/styles.xml" in same and "word/theme/theme1.xml" in same
        assert any(n.startswith("word/media/") for n in same)
        for name in same:
            assert a.read(name) == b.read(name), name
    assert report.parts_copied == len(same)


def test_run_mapping_edge_cases(tmp_path):
    """A name over a tab, a name at the start and at the end of a paragraph, a shorter and a longer
    replacement, and deleted text replaced by nothing: the text is exact and no run is lost."""
    import docx
    from docx.oxml import parse_xml

    d = docx.Document()
    body = d.element.body
    xmls = [
        f'<w:p {NS}><w:r><w:t>Asta</w:t></w:r><w:r><w:tab/></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Mikkelsen</w:t></w:r>'
        f'<w:r><w:t xml:space="preserve"> smilede</w:t></w:r></w:p>',
        f'<w:p {NS}><w:r><w:rPr><w:i/></w:rPr><w:t>Bo</w:t></w:r><w:r><w:t xml:space="preserve"> og </w:t></w:r>'
        f'<w:r><w:rPr><w:b/></w:rPr><w:t>Jo</w:t></w:r></w:p>',
        f'<w:p {NS}><w:r><w:t xml:space="preserve">Hej </w:t></w:r><w:r><w:t>Ingeborg</w:t></w:r></w:p>',
    ]
    for xml in xmls:
        body[-1].addprevious(parse_xml(xml))
    src = tmp_path / "kant.docx"
    d.save(str(src))
    wanted = {"Asta\tMikkelsen smilede": "[Navn 1] smilede", "Bo og Jo": "Christoffer og Marie-Louise",
              "Hej Ingeborg": "Hej I."}
    out = tmp_path / "kant-anonym.docx"
    write_docx(src, out, lambda ts: [wanted.get(t, t) for t in ts])
    d2 = docx.Document(str(out))
    paras = [p for p in d2.paragraphs if p.text]
    assert [p.text for p in paras] == list(wanted.values())
    assert [(r.text, r.bold) for r in paras[0].runs] == [("[Navn 1]", None), ("", None), ("", True),
                                                         (" smilede", None)]
    assert [(r.text, r.italic, r.bold) for r in paras[1].runs] == [("Christoffer", True, None), (" og ", None, None),
                                                                   ("Marie-Louise", None, True)]
    assert [r.text for r in paras[2].runs] == ["Hej ", "I."]
    with zipfile.ZipFile(out) as zf:
        assert b"<w:tab/>" not in zf.read("word/document.xml")  # the tab inside the replaced name went with it


# --- (c) limits and damaged files --------------------------------------------------------------


def _zip(path: Path, entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def _minimal_parts(rich: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(rich) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _doc_xml(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}</w:body></w:document>'.encode()


def _assert_error(path: Path, code: str, *fragments: str) -> str:
    with pytest.raises(NarrativError) as exc:
        read_docx(path)
    assert exc.value.code == code
    msg = str(exc.value)
    for frag in fragments:
        assert frag in msg
    for tok in TOKENS:  # never document text in a message
        assert tok not in msg
    return msg


def test_too_many_entries(tmp_path, rich):
    parts = _minimal_parts(rich)
    parts.update({f"word/media/x{i}.bin": b"" for i in range(ndocx.MAX_ENTRIES)})
    _assert_error(_zip(tmp_path / "mange.docx", parts), "E081", "for mange dele", "højst 1.000")


def test_unpacked_size(tmp_path, rich):
    parts = _minimal_parts(rich)
    parts["word/media/stor.bin"] = b"\0" * (ndocx.MAX_UNPACKED_BYTES + 1)
    msg = _assert_error(_zip(tmp_path / "stor.docx", parts), "E082", "fylder for meget", "højst 50,0 MB")
    assert re.search(r"\d+,\d MB \(højst", msg)  # decimal comma


def test_compression_ratio(tmp_path, rich):
    parts = _minimal_parts(rich)
    parts["word/document.xml"] = _doc_xml("<w:p/>" * 10 + " " * 3_000_000)  # 3 MB of spaces: ratio ~1000
    path = _zip(tmp_path / "bombe.docx", parts)
    assert path.stat().st_size < 200_000
    _assert_error(path, "E083", "zip-bombe", "word/document.xml")


def test_too_many_paragraphs(tmp_path, rich):
    parts = _minimal_parts(rich)
    parts["word/document.xml"] = _doc_xml("<w:p/>" * (ndocx.MAX_PARAGRAPHS + 1))
    msg = _assert_error(_zip(tmp_path / "afsnit.docx", parts), "E084", "for mange afsnit", "(højst 20.000)")
    assert re.search(r"afsnit: 20\.0\d\d ", msg)  # Danish thousands separator


def test_too_many_elements(tmp_path, rich):
    parts = _minimal_parts(rich)
    parts["word/document.xml"] = _doc_xml("<w:p>" + "<w:r/>" * ndocx.MAX_ELEMENTS + "</w:p>")
    _assert_error(_zip(tmp_path / "elementer.docx", parts, zipfile.ZIP_STORED), "E085", "XML-elementer")


def test_entity_declarations_are_refused(tmp_path, rich):
    parts = _minimal_parts(rich)
    parts["word/document.xml"] = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "Frederikke">]>'
                                  + _doc_xml("<w:p><w:r><w:t>&a;</w:t></w:r></w:p>").split(b"?>", 1)[1])
    _assert_error(_zip(tmp_path / "dtd.docx", parts), "E086", "word/document.xml")


@pytest.mark.parametrize("case", ["not_zip", "truncated", "no_document", "bad_xml", "no_content_types", "bad_crc"])
def test_damaged_files(tmp_path, rich, case):
    path = tmp_path / f"{case}.docx"
    data = rich.read_bytes()
    parts = _minimal_parts(rich)
    if case == "not_zip":
        path.write_bytes("Frederikke er glad".encode())
    elif case == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif case == "no_document":
        parts.pop("word/document.xml")
        _zip(path, parts)
    elif case == "bad_xml":
        parts["word/document.xml"] = _doc_xml("<w:p><w:r><w:t>Frederikke</w:r></w:p>")
        _zip(path, parts)
    elif case == "no_content_types":
        parts.pop("[Content_Types].xml")
        _zip(path, parts)
    elif case == "bad_crc":
        buf = io.BytesIO()
        _zip(buf, {"[Content_Types].xml": parts["[Content_Types].xml"], "word/document.xml": b"A" * 500},
             zipfile.ZIP_STORED)
        raw = buf.getvalue().replace(b"A" * 500, b"B" * 500)  # stored bytes changed, CRC not
        path.write_bytes(raw)
    msg = _assert_error(path, "E080", "beskadiget")
    assert "Frederikke" not in msg


def test_old_or_encrypted_word_file(tmp_path):
    path = tmp_path / "gammel.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    _assert_error(path, "E087", "adgangskodebeskyttet", ".doc")


def test_missing_file(tmp_path):
    _assert_error(tmp_path / "findes-ikke.docx", "E001")


def test_refused_file_writes_nothing(tmp_path, rich):
    parts = _minimal_parts(rich)
    parts["word/document.xml"] = _doc_xml("<w:p/>" * (ndocx.MAX_PARAGRAPHS + 1))
    src = _zip(tmp_path / "afsnit.docx", parts)
    out = tmp_path / "ud" / "afsnit.docx"
    with pytest.raises(NarrativError):
        write_docx(src, out, pseudonymise)
    assert not out.exists()


def test_wrong_number_of_texts_writes_nothing(tmp_path, rich):
    out = tmp_path / "ud.docx"
    with pytest.raises(ValueError):
        write_docx(rich, out, lambda ts: ts[:-1])
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


# --- (d) the text for import ---------------------------------------------------------------------


def test_text_for_import(rich):
    text = read_docx(rich).text_for_import()
    lines = text.split("\n")
    for place in ("body_bold", "body_split_runs", "hyperlink_text", "table", "nested_table", "insertion",
                  "textbox", "content_control", "content_control_inline", "form_field", "moved"):
        assert PLACES[place] in text, place
    assert text.count(PLACES["textbox"]) == 1  # the fallback copy of the text box is not repeated
    assert text.count(PLACES["moved"]) == 1  # a moved paragraph once, where it was moved to
    assert "I dag kom Noah Lindberg og  i garderoben." in lines  # the insertion in its sentence
    for place in ("deletion", "header_default", "header_first", "footer_even", "comment", "footnote", "endnote",
                  "core_title", "app_company", "alt_text", "dropdown", "revision_author", "custom_xml"):
        assert PLACES[place] not in text, place
    # reading order: the text box follows the paragraph that anchors it, the nested table its cell
    assert lines.index("Tegningen hang ved døren. ") + 1 == lines.index("Alma Krogh sad i tekstboksen")
    assert lines.index("Venner") + 1 == lines.index("Leger med Villads")
    assert lines[0] == "Observation i vuggestuen" and lines[-1] == "Slut på observationen."
    assert "" not in lines


def test_segments_name_their_places(rich):
    doc = read_docx(rich)
    where = {(s.part, s.kind) for s in doc.segments}
    for part, kind in [("word/header2.xml", "header"), ("word/footer3.xml", "footer"),
                       ("word/comments.xml", "comment"), ("word/comments.xml", "comment_author"),
                       ("word/footnotes.xml", "footnote"), ("word/endnotes.xml", "endnote"),
                       ("word/document.xml", "textbox"), ("word/document.xml", "content_control"),
                       ("word/document.xml", "table"), ("word/document.xml", "insertion"),
                       ("word/document.xml", "deletion"), ("docProps/core.xml", "property"),
                       ("docProps/app.xml", "property"), ("docProps/custom.xml", "property"),
                       ("word/people.xml", "comment_author")]:
        assert (part, kind) in where, (part, kind)
    assert [s.index for s in doc.segments] == list(range(len(doc.segments)))


def test_utf16_part_and_strict_reading(tmp_path, rich):
    """A part stored as UTF-16 (allowed by the package format) is read and written."""
    parts = _minimal_parts(rich)
    xml = parts["word/footer1.xml"].decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    xml = xml.replace("encoding='UTF-8'", "encoding='UTF-16'")
    parts["word/footer1.xml"] = xml.encode("utf-16")
    src = _zip(tmp_path / "utf16.docx", parts)
    doc = read_docx(src)
    assert any(s.part == "word/footer1.xml" and PLACES["footer_default"] in s.text for s in doc.segments)
    out = tmp_path / "utf16-anonym.docx"
    write_docx(src, out, pseudonymise)
    assert leaks(out) == []



# --- the run mapping under random runs and replacements ------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_WORDS = st.sampled_from(["Frederikke", "Bo", "leger", "med", "Ærø-Sø", "i", "sandkassen", "O'Brien", "3", ",",
                          ".", " ", "  ", "\u00a0", "åh", "Anne-Mette"])


@settings(max_examples=300, deadline=None)
@given(words=st.lists(_WORDS, min_size=1, max_size=25), cuts=st.lists(st.integers(0, 200), max_size=8),
       tabs=st.lists(st.integers(0, 200), max_size=3), data=st.data())
def test_spread_writes_exactly_the_new_text_and_keeps_every_run(words, cuts, tabs, data):
    text = "".join(words)
    # split the text into runs at random places, with tabs (fixed pieces) at some boundaries
    bounds = sorted({c % (len(text) + 1) for c in cuts} | {0, len(text)})
    tab_at = {bounds[t % len(bounds)] for t in tabs}
    xml = [f"<w:p {NS}>"]
    for a, b in zip(bounds, bounds[1:] + [None]):
        if a in tab_at:
            xml.append("<w:r><w:tab/></w:r>")
        if b is not None:
            xml.append(f'<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">{text[a:b]}</w:t></w:r>')
    xml.append("</w:p>")
    p = etree.fromstring("".join(xml))
    pieces = []
    for el in p.iter(W + "t", W + "tab"):
        pieces.append(ndocx._Piece(el, "text") if el.tag == W + "t" else ndocx._Piece(el, "fixed", "\t"))
    old = "".join(x.get() for x in pieces)
    # the new text: some words replaced (longer, shorter, removed), as a detector would
    repl = data.draw(st.dictionaries(st.sampled_from(["Frederikke", "Bo", "Ærø-Sø", "O'Brien", "Anne-Mette", "med"]),
                                     st.sampled_from(["[Person 1]", "X", "", "Navn Navnesen", "Bo"])))
    new = old
    for k, v in repl.items():
        new = new.replace(k, v)
    n_runs = len(p.findall(W + "r"))
    ndocx._spread(pieces, new)
    after = "".join({W + "t": lambda e: e.text or "", W + "tab": lambda e: "\t"}[e.tag](e)
                    for e in p.iter(W + "t", W + "tab"))
    assert after == new
    assert len(p.findall(W + "r")) == n_runs  # no run is ever removed, only shortened
    for name, value in repl.items():
        if name != value and name not in value and name not in new:
            assert name not in after


def test_nothing_replaced_changes_only_the_creator(tmp_path):
    import docx

    d = docx.Document()
    p = d.add_paragraph("Bo byggede et tårn ")
    p.add_run("af klodser").bold = True
    d.core_properties.author = "Hanne Bisgaard"
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(buf) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/docProps/thumbnail.jpeg" ContentType="image/jpeg"/></Types>'))
    src = _zip(tmp_path / "enkel.docx", parts)
    out = tmp_path / "enkel-ud.docx"
    report = write_docx(src, out, lambda ts: list(ts))
    assert report.parts_written == ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml"]  # - thumbnail
    assert report.changed_by_kind == {"property": 1} and report.neutralised == 1
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")
        assert b"Hanne" not in b.read("docProps/core.xml")
        assert b"thumbnail" not in b.read("[Content_Types].xml") + b.read("_rels/.rels")
    kept = tmp_path / "med-miniature.docx"
    report = write_docx(src, kept, lambda ts: list(ts), drop_thumbnail=False)
    assert report.parts_written == ["docProps/core.xml"] and report.removed == []
    assert report.unprocessed == ["docProps/thumbnail.jpeg"]
    assert docx.Document(str(out)).paragraphs[0].text == "Bo byggede et tårn af klodser"


CHART = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
         'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><c:chart><c:title><c:tx><c:rich>'
         '<a:p><a:r><a:t>Fremmøde for </a:t></a:r><a:r><a:t>Thea</a:t></a:r><a:br/><a:r><a:t>Vang</a:t></a:r></a:p>'
         '</c:rich></c:tx></c:title><c:plotArea><c:barChart><c:ser><c:cat><c:strRef><c:f>Ark1!$A$2</c:f><c:strCache>'
         '<c:ptCount val="1"/><c:pt idx="0"><c:v>Gustav Borg</c:v></c:pt></c:strCache></c:strRef></c:cat>'
         '</c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>')


def test_other_xml_parts_are_read_and_embedded_files_reported(tmp_path, rich):
    parts = _minimal_parts(rich)
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/word/charts/chart1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>'
        b'<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>'
        b"</Types>"))
    parts["word/charts/chart1.xml"] = CHART.encode()
    parts["word/embeddings/Ark1.xlsx"] = b"PK\x03\x04 not read"
    src = _zip(tmp_path / "diagram.docx", parts)
    doc = read_docx(src)
    chart = [s.text for s in doc.segments if s.part == "word/charts/chart1.xml"]
    assert chart == ["Fremmøde for Thea\nVang", "Ark1!$A$2", "Gustav Borg"]  # a:t grouped per a:p, a:br kept
    assert doc.unprocessed == ["docProps/thumbnail.jpeg", "word/embeddings/Ark1.xlsx"]
    out = tmp_path / "diagram-ud.docx"
    report = write_docx(src, out, lambda ts: [t.replace("Thea\nVang", "Navn").replace("Gustav Borg", "Navn2")
                                              for t in ts])
    assert report.changed_by_kind["other"] == 2
    with zipfile.ZipFile(out) as zf:
        xml = zf.read("word/charts/chart1.xml").decode()
    assert "Thea" not in xml and "Vang" not in xml and "Gustav" not in xml
    assert "<a:br/>" not in xml and "<c:v>Navn2</c:v>" in xml
