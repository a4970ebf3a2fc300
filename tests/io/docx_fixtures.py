"""Builders for rich Word documents with a distinct Danish name in every text-bearing place.

``build_rich_docx(path)`` writes a document made with python-docx (body runs with bold and italic,
a hyperlink, an inline image, a table with a nested table, default/first/even headers and footers,
a comment, core properties) and then adds raw XML python-docx cannot make: a tracked insertion and
deletion, a text box in ``mc:AlternateContent`` (DrawingML choice and VML fallback), a block content
control with a drop-down, footnotes, endnotes, people.xml, custom.xml, app.xml Company/Manager, a
document variable and an external template path. ``PLACES`` maps each place to the name put there.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'
)

# place -> the name put there (every one distinct, so a leak says where it came from)
PLACES = {
    "body_bold": "Frederikke",
    "body_italic": "Oskar Holmgaard",
    "body_split_runs": "Isabella Sørensen",  # split over two runs: "Isabella Sø" + "rensen"
    "body_line_break": "Ellen",  # "Ellen" <w:br/> "Kofoed"
    "body_line_break_2": "Kofoed",
    "hyperlink_text": "Mette Lauridsen",
    "mailto": "mette.lauridsen",
    "alt_text": "Cecilie Brandt",
    "table": "Magnus Lykke",
    "nested_table": "Villads",
    "insertion": "Noah Lindberg",
    "deletion": "Sigurd Frost",
    "revision_author": "Lone Kjær",
    "textbox": "Alma Krogh",
    "content_control": "Karla Bech",
    "dropdown": "Storm Juhl",
    "content_control_inline": "Sofus Rye",
    "form_field": "Rosa Kirk",
    "moved": "Hugo Dam",
    "comment": "Elias Bundgaard",
    "comment_author": "Birthe Hansen",
    "comment_initials": "BiHa",
    "people_user": "birthe.hansen",
    "footnote": "Johanne Vestergaard",
    "endnote": "Malthe Riis",
    "header_default": "Anton Winther",
    "header_first": "Liva Nørgaard",
    "header_even": "Bertram Kjeldsen",
    "footer_default": "Signe Dahl",
    "footer_first": "Konrad Bak",
    "footer_even": "Esther Aagaard",
    "core_author": "Vibeke Toft",
    "core_last_modified_by": "Rasmus Hald",
    "core_title": "Lærke Møller",
    "core_subject": "Aksel Munk",
    "core_keywords_cpr": "120318-1234",
    "core_comments": "Henrik Skov",
    "core_category": "Agnes Vinther",
    "app_company": "Kirsten Lund",
    "app_manager": "Poul Eriksen",
    "app_title_of_parts": "Tobias Brix",
    "custom_property": "Viggo Nyborg",
    "custom_xml": "Gitte Rasmussen",
    "doc_var": "Laurits Bonde",
    "template_path": "ulla.steen",
}


def tiny_png() -> bytes:
    """A valid 2x2 red PNG (python-docx reads its size)."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _raw_paragraphs() -> str:
    p = PLACES
    ins = p["insertion"]
    dele = p["deletion"]
    author = p["revision_author"]
    box = p["textbox"]
    return f"""
<w:p {NS}><w:r><w:t xml:space="preserve">I dag kom </w:t></w:r><w:ins w:id="901" w:author="{author}" w:date="2026-11-02T10:00:00Z"><w:r><w:t>{ins}</w:t></w:r></w:ins><w:r><w:t xml:space="preserve"> og </w:t></w:r><w:del w:id="902" w:author="{author}" w:date="2026-11-02T10:01:00Z"><w:r><w:delText>{dele}</w:delText></w:r></w:del><w:r><w:t xml:space="preserve"> i garderoben.</w:t></w:r></w:p>
<w:p {NS}><w:r><w:t xml:space="preserve">Tegningen hang ved døren. </w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor distT="0" distB="0" distL="114300" distR="114300" simplePos="0" relativeHeight="1" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/><wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH><wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV><wp:extent cx="1828800" cy="457200"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapSquare wrapText="bothSides"/><wp:docPr id="50" name="Tekstboks 1"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1828800" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr><wps:txbx><w:txbxContent><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{box} sad i tekstboksen</w:t></w:r></w:p></w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape id="Tekstboks1" type="#_x0000_t202" style="width:144pt;height:36pt"><v:textbox><w:txbxContent><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{box} sad i tekstboksen</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
<w:sdt {NS}><w:sdtPr><w:alias w:val="Barnets navn"/><w:id w:val="777"/><w:dropDownList><w:listItem w:displayText="{p['dropdown']}" w:value="{p['dropdown']}"/></w:dropDownList></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Barnet hedder {p['content_control']}.</w:t></w:r></w:p></w:sdtContent></w:sdt>
<w:p {NS}><w:r><w:t xml:space="preserve">Kontaktbarn: </w:t></w:r><w:sdt><w:sdtPr><w:id w:val="778"/><w:text/></w:sdtPr><w:sdtContent><w:r><w:rPr><w:i/></w:rPr><w:t>{p['content_control_inline']}</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t xml:space="preserve">, hentes af </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Tekst1"/><w:enabled/><w:textInput><w:default w:val="{p['form_field']}"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{p['form_field']}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p {NS}><w:moveFrom w:id="903" w:author="{author}" w:date="2026-11-02T10:02:00Z"><w:r><w:t>{p['moved']} kom først.</w:t></w:r></w:moveFrom></w:p>
<w:p {NS}><w:moveTo w:id="904" w:author="{author}" w:date="2026-11-02T10:02:00Z"><w:r><w:t>{p['moved']} kom først.</w:t></w:r></w:moveTo></w:p>
<w:p {NS}><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDEPICTURE "C:\\Users\\{p['template_path']}\\Billeder\\leg.jpg" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p {NS}><w:r><w:t xml:space="preserve">Forældresamtale aftalt</w:t></w:r><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r><w:r><w:t xml:space="preserve"> og opfølgning</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
"""


def _notes(tag: str, text: str) -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:{tag}s {NS}>'
            f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
            f'<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>'
            f'<w:{tag} w:id="1"><w:p><w:r><w:{tag}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{tag}>'
            f'</w:{tag}s>')


def build_rich_docx(path: Path) -> Path:
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.shared import Inches

    p = PLACES
    d = docx.Document()
    d.add_heading("Observation i vuggestuen", level=1)
    para = d.add_paragraph("I dag legede ")
    para.add_run(p["body_bold"]).bold = True
    para.add_run(" med ")
    para.add_run(p["body_italic"]).italic = True
    para.add_run(" på legepladsen.")

    # a comment anchored on a run of its own
    cpara = d.add_paragraph()
    crun = cpara.add_run("Vi talte om madpakken.")
    d.add_comment(crun, text=f"Spørg {p['comment']}s mor om allergier", author=p["comment_author"],
                  initials=p["comment_initials"])

    # hyperlink: display text and a mailto target with the name
    hpara = d.add_paragraph("Spørgsmål sendes til ")
    r_id = d.part.relate_to(f"mailto:{p['mailto']}@example.dk?subject=Observation", RT.HYPERLINK, is_external=True)
    hpara._p.append(parse_xml(
        f'<w:hyperlink {NS} r:id="{r_id}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/><w:u w:val="single"/></w:rPr>'
        f'<w:t>{p["hyperlink_text"]}</w:t></w:r></w:hyperlink>'))
    hpara.add_run(" i dag.")

    # an inline image with alt text, then a name split over two runs, then a line break in a name
    ipara = d.add_paragraph()
    ipara.add_run().add_picture(io.BytesIO(tiny_png()), width=Inches(0.5))
    ipara.runs[0]._r.xpath(".//wp:docPr")[0].set("descr", f"Foto af {p['alt_text']} ved gyngerne")
    first, last = p["body_split_runs"][:11], p["body_split_runs"][11:]
    ipara.add_run(" Billedet viser ")
    ipara.add_run(first).bold = True
    ipara.add_run(last).italic = True
    ipara.add_run(" ved gyngerne.")
    bpara = d.add_paragraph()
    brun = bpara.add_run(p["body_line_break"])
    brun.add_break()
    brun.add_text(p["body_line_break_2"] + " hentede tidligt.")

    # a table with a nested table
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Barn"
    table.cell(0, 1).text = f"{p['table']} (3 år)"
    table.cell(1, 0).text = "Venner"
    inner = table.cell(1, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = f"Leger med {p['nested_table']}"

    # raw paragraphs: tracked changes, text box, content control, note references
    body = d.element.body
    sect = body[-1]
    for xml in _raw_paragraphs().strip().split("\n"):
        sect.addprevious(parse_xml(xml))
    d.add_paragraph("Slut på observationen.")

    # headers and footers: default, first page, even pages
    d.settings.odd_and_even_pages_header_footer = True
    s = d.sections[0]
    s.different_first_page_header_footer = True
    s.header.paragraphs[0].text = f"Stue: {p['header_default']}"
    s.first_page_header.paragraphs[0].text = f"Førsteside: {p['header_first']}"
    s.even_page_header.paragraphs[0].text = f"Lige side: {p['header_even']}"
    s.footer.paragraphs[0].text = f"Pædagog: {p['footer_default']}"
    s.first_page_footer.paragraphs[0].text = f"Kontakt {p['footer_first']}"
    s.even_page_footer.paragraphs[0].text = f"Udfyldt af {p['footer_even']}"

    cp = d.core_properties
    cp.author = p["core_author"]
    cp.last_modified_by = p["core_last_modified_by"]
    cp.title = f"Observation af {p['core_title']}"
    cp.subject = p["core_subject"]
    cp.keywords = f"CPR {p['core_keywords_cpr']}"
    cp.comments = f"Til {p['core_comments']}"
    cp.category = p["core_category"]

    buf = io.BytesIO()
    d.save(buf)
    return _add_raw_parts(buf.getvalue(), path)


def _add_raw_parts(data: bytes, path: Path) -> Path:
    p = PLACES
    zin = zipfile.ZipFile(io.BytesIO(data))
    parts = {i.filename: zin.read(i) for i in zin.infolist()}
    ct = parts["[Content_Types].xml"].decode()
    extra_ct = (
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
        '<Override PartName="/word/endnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"/>'
        '<Override PartName="/word/people.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml"/>'
        '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>'
    )
    parts["[Content_Types].xml"] = ct.replace("</Types>", extra_ct + "</Types>").encode()
    rels = parts["word/_rels/document.xml.rels"].decode()
    rels = rels.replace("</Relationships>", (
        '<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
        '<Relationship Id="rIdEn" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes" Target="endnotes.xml"/>'
        '<Relationship Id="rIdPe" Type="http://schemas.microsoft.com/office/2011/relationships/people" Target="people.xml"/>'
        "</Relationships>"))
    parts["word/_rels/document.xml.rels"] = rels.encode()
    parts["word/footnotes.xml"] = _notes("footnote", f"Oplyst af {p['footnote']}.").encode()
    parts["word/endnotes.xml"] = _notes("endnote", f"Se også notatet om {p['endnote']}.").encode()
    parts["word/people.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w15:people {NS}>'
        f'<w15:person w15:author="{p["comment_author"]}"><w15:presenceInfo w15:providerId="AD" '
        f'w15:userId="S::{p["people_user"]}@example.dk::0000"/></w15:person></w15:people>').encode()
    parts["docProps/custom.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Barn">'
        f'<vt:lpwstr>{p["custom_property"]}</vt:lpwstr></property></Properties>').encode()
    root_rels = parts["_rels/.rels"].decode().replace("</Relationships>", (
        '<Relationship Id="rIdCu" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
        'Target="docProps/custom.xml"/></Relationships>'))
    parts["_rels/.rels"] = root_rels.encode()
    app = parts["docProps/app.xml"].decode()
    app = (app.replace("<Company/>", f"<Company>Dagtilbud v. {p['app_company']}</Company>")
              .replace("<Manager/>", f"<Manager>{p['app_manager']}</Manager>")
              .replace("<Template>Normal.dotm</Template>",
                       f"<Template>C:\\Users\\{p['template_path']}\\Maler\\Observation.dotx</Template>")
              .replace("<vt:lpstr/>", f"<vt:lpstr>Observation af {p['app_title_of_parts']}</vt:lpstr>"))
    parts["docProps/app.xml"] = app.encode()
    # data bound to content controls lives in customXml items
    parts["customXml/item1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<barn xmlns="urn:narrativ:test">'
        f'<navn>{p["custom_xml"]}</navn><alder>4</alder></barn>').encode()
    settings = parts["word/settings.xml"].decode()
    settings = settings.replace("</w:settings>", (
        f'<w:attachedTemplate r:id="rIdTpl"/><w:docVars><w:docVar w:name="Forælder" w:val="{p["doc_var"]}"/>'
        "</w:docVars></w:settings>"))
    # element order in settings does not matter to the reader; keep it valid for python-docx
    parts["word/settings.xml"] = settings.encode()
    parts["word/_rels/settings.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdTpl" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
        f'Target="file:///C:/Users/{p["template_path"]}/AppData/Roaming/Microsoft/Templates/Normal.dotm" '
        'TargetMode="External"/></Relationships>').encode()
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path
