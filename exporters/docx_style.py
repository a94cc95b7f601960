"""Chinese official-document page and type (GB/T 9704-2012) on top of python-docx's default template.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (landscape tables: top and bottom 25 mm, so
that the 210 mm page height is not spent on margins meant for a portrait page); 仿宋 三号 body, 黑体 headings,
方正小标宋简体 titles; "— 1 —" page numbers in 四号 宋体, right on odd pages and left on even ones.
python-docx's template points East Asian text at Japanese theme fonts (ＭＳ 明朝): every ``*Theme``
font attribute is removed and every run gets an explicit ``w:eastAsia`` font, so Chinese never falls
back to a Latin or Japanese face.
"""

from __future__ import annotations

from datetime import datetime

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.section import _Footer
from docx.shared import Mm, Pt, Twips
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from lxml import etree

FONT_LATIN = "Times New Roman"
FONT_BODY = "仿宋"  # on every Windows since Vista; 仿宋_GB2312 is not installed by default any more
FONT_HEADING = "黑体"
FONT_TITLE = "方正小标宋简体"
FONT_PAGE_NUMBER = "宋体"
SIZE_TITLE = 22  # 二号
SIZE_BODY = 16  # 三号
SIZE_SMALL = 14  # 四号
SIZE_TABLE = 12  # 小四
SIZE_TABLE_DENSE = 10.5  # 五号: tables of many short rows (the 意见汇总表)
LINE_PITCH = 28.95  # GB/T 9704: 22 lines of 三号 type in the 225 mm type area
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# Landscape tables keep the portrait side margins (the same 243 mm type width every table is laid out on)
# but not its 72 mm of top and bottom margins: 160 mm of table height on a page instead of 138 mm.
LANDSCAPE_MARGINS_MM = {"top": 25, "bottom": 25, "left": 28, "right": 26}
FOOTER_MM = {False: 21, True: 12}  # page number distance from the page's bottom edge (portrait, landscape)
A4_MM = (210, 297)
# Fonts Word may not have: the font table tells it the script (GB2312, charset 0x86) and family, so
# a missing 方正小标宋简体 is replaced by another Song face instead of a Latin one.
FONT_TABLE = {
    FONT_BODY: ("modern", "02010609060101010101"),
    FONT_HEADING: ("modern", "02010609060101010101"),
    FONT_PAGE_NUMBER: ("auto", "02010600030101010101"),
    FONT_TITLE: ("roman", "02010600030101010101"),
}
THEME_ATTRIBUTES = tuple(qn(f"w:{name}") for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))


def margins_mm(landscape: bool) -> dict[str, int]:
    """The page margins: GB/T 9704 for portrait pages, LANDSCAPE_MARGINS_MM for landscape tables."""
    return LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM


def text_height_mm(landscape: bool) -> int:
    """Height of the type area: 225 mm upright, 160 mm landscape."""
    height = A4_MM[0] if landscape else A4_MM[1]
    return height - margins_mm(landscape)["top"] - margins_mm(landscape)["bottom"]


def set_fonts(rpr: etree._Element, east_asia: str = FONT_BODY, latin: str = FONT_LATIN) -> None:
    """Gives a ``w:rPr`` explicit Latin and East Asian fonts and drops its theme font references."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for name in THEME_ATTRIBUTES:
        if name in fonts.attrib:
            del fonts.attrib[name]
    for name in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{name}"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    # Quotation marks and dashes are shared by both scripts: the hint keeps “”—… in the Chinese face.
    fonts.set(qn("w:hint"), "eastAsia")


def _rpr(run_element: etree._Element) -> etree._Element:
    rpr = run_element.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        run_element.insert(0, rpr)
    return rpr


def style_run(run: Run, *, font: str = FONT_BODY, size: float | None = None, bold: bool = False) -> None:
    """Sets a python-docx run's fonts (East Asian included), size in points and boldness."""
    set_fonts(_rpr(run._r), font)
    if size is not None:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True


def fix_every_run(element: etree._Element, east_asia: str = FONT_BODY) -> int:
    """Gives every ``w:r`` under ``element`` an East Asian font if it has none; returns how many it fixed."""
    fixed = 0
    for run in element.iter(qn("w:r")):
        fonts = _rpr(run).find(qn("w:rFonts"))
        if fonts is None or fonts.get(qn("w:eastAsia")) is None:
            set_fonts(_rpr(run), east_asia)
            fixed += 1
    return fixed


def _strip_theme_fonts(styles_element: etree._Element) -> None:
    for fonts in styles_element.iter(qn("w:rFonts")):
        parent = fonts.getparent()
        if parent is not None and any(name in fonts.attrib for name in THEME_ATTRIBUTES):
            set_fonts(parent, FONT_HEADING)  # drops every theme attribute of ``fonts``


def _set_defaults(document: DocumentObject, body_size: float) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _strip_theme_fonts(styles)
    set_fonts(defaults, FONT_BODY)
    defaults.find(qn("w:sz")).set(qn("w:val"), str(int(body_size * 2)))
    defaults.find(qn("w:szCs")).set(qn("w:val"), str(int(body_size * 2)))
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = (
        styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    )
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    settings = document.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    _add_font_table(document)


def _add_font_table(document: DocumentObject) -> None:
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            part = rel.target_part
            root = etree.fromstring(part.blob)
            known = {font.get(qn("w:name")) for font in root.iter(qn("w:font"))}
            for name, (family, panose) in FONT_TABLE.items():
                if name in known:
                    continue
                font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
                etree.SubElement(font, qn("w:panose1"), {qn("w:val"): panose})
                etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})
                etree.SubElement(font, qn("w:family"), {qn("w:val"): family})
                etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "variable"})
            part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(footer: _Footer, align: WD_ALIGN_PARAGRAPH) -> None:
    """ "— PAGE —" in 四号 宋体, one character in from the outer edge."""
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    indent = Pt(SIZE_SMALL)
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent

    def run(text: str = "") -> Run:
        r = paragraph.add_run(text)
        style_run(r, font=FONT_PAGE_NUMBER, size=SIZE_SMALL)
        return r

    run("— ")
    for kind, instruction in (
        ("begin", None),
        (None, " PAGE "),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        r = run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            r._r.append(char)
        elif instruction == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = instruction
            r._r.append(code)
        else:
            r.text = instruction or ""
    run(" —")


def new_document(
    *, title: str, landscape: bool = False, body_size: float = SIZE_BODY, created: datetime | None = None
) -> DocumentObject:
    """An empty python-docx Document set up as above; ``body_size`` is the default type size in points."""
    document = Document()
    section = document.sections[0]
    short, long = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    margins = margins_mm(landscape)
    section.top_margin, section.bottom_margin = Mm(margins["top"]), Mm(margins["bottom"])
    section.left_margin, section.right_margin = Mm(margins["left"]), Mm(margins["right"])
    section.header_distance, section.footer_distance = (
        Mm(15 if not landscape else 12),
        Mm(FOOTER_MM[landscape]),
    )
    _set_defaults(document, body_size)
    document.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, "draftreview", "draftreview"
    props.comments, props.keywords, props.subject, props.category = "", "", "", ""
    if created is not None:
        props.created = props.modified = created.replace(tzinfo=None)
    body = document.element.body
    for paragraph in list(body.iter(qn("w:p"))):  # the template's single empty paragraph
        body.remove(paragraph)
    return document


def add_paragraph(
    document: DocumentObject,
    text: str,
    *,
    font: str = FONT_BODY,
    size: float | None = None,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line_chars: int = 0,
    space_after: float = 0,
    exact_line: float | None = None,
) -> Paragraph:
    """Appends a paragraph with one run of ``text`` in ``font``; returns the python-docx Paragraph."""
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    if exact_line:
        fmt.line_spacing = Pt(exact_line)
    if first_line_chars:
        indent = OxmlElement("w:ind")
        indent.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        indent.set(qn("w:firstLine"), str(int(first_line_chars * (size or SIZE_BODY) * 20)))
        paragraph._p.get_or_add_pPr().append(indent)
    if text:
        style_run(paragraph.add_run(text), font=font, size=size, bold=bold)
    return paragraph


def title(document: DocumentObject, text: str, size: float = SIZE_TITLE) -> Paragraph:
    """The document title: 方正小标宋简体 二号, centred, one blank 三号 line below."""
    paragraph = add_paragraph(
        document, text, font=FONT_TITLE, size=size, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=SIZE_BODY
    )
    return paragraph


TBL_PR_ORDER = (
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
)


def _set_child(parent: etree._Element, tag: str, order: tuple[str, ...], **attributes: str) -> None:
    """Replaces or inserts ``w:tag`` in ``parent`` at its schema position (Word refuses misordered XML)."""
    for old in parent.findall(qn(f"w:{tag}")):
        parent.remove(old)
    child = OxmlElement(f"w:{tag}")
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), value)
    later = {qn(f"w:{name}") for name in order[order.index(tag) + 1 :]}
    for position, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(position, child)
            return
    parent.append(child)


def table_properties(table: Table, widths_mm: list[float]) -> None:
    """Fixed layout at the given column widths (grid and first-row cells), centred on the page."""
    twips = [int(Mm(mm).twips) for mm in widths_mm]
    # python-docx has no setter for the table's own width (w:tblW), which Word needs for a fixed layout
    # to keep these widths: written here, at its schema position.
    _set_child(table._tbl.tblPr, "tblW", TBL_PR_ORDER, w=str(sum(twips)), type="dxa")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed
    for column, width in zip(table.columns, twips, strict=True):
        column.width = Twips(width)
    for row in table.rows:
        for cell, width in zip(row.cells, twips, strict=True):
            cell.width = Twips(width)


# w:trPr children in schema order. python-docx 1.2 models row height but not the header-repeat and
# cant-split flags (python-openxml/python-docx#322): those two are written here.
TR_PR_ORDER = (
    "cnfStyle",
    "divId",
    "gridBefore",
    "gridAfter",
    "wBefore",
    "wAfter",
    "cantSplit",
    "trHeight",
    "tblHeader",
    "tblCellSpacing",
    "jc",
    "hidden",
    "ins",
    "del",
    "trPrChange",
)


def repeat_header(row: _Row | CT_Row) -> None:
    """Marks a python-docx row (or ``w:tr``) as a header row Word repeats on every page."""
    _row_flag(row, "tblHeader")


def cant_split(row: _Row | CT_Row) -> None:
    """Keeps a row on one page when it fits on one."""
    _row_flag(row, "cantSplit")


def _row_flag(row: _Row | CT_Row, tag: str) -> None:
    tr = row._tr if isinstance(row, _Row) else row
    _set_child(tr.get_or_add_trPr(), tag, TR_PR_ORDER)


def header_row(table: Table, labels: list[str], size: float = SIZE_TABLE) -> None:
    """Fills the table's first row with 黑体 centred labels, repeated on each page, never split."""
    row = table.rows[0]
    for cell, label in zip(row.cells, labels, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        style_run(paragraph.add_run(label), font=FONT_HEADING, size=size)
    repeat_header(row)
    cant_split(row)
