"""Files for the attachment tests, made here (nothing downloaded): good .docx/.pdf/.txt/.png/.jpg and the
hostile ones (zip bombs, lying zip directories, expanding PDFs, files of one kind named as another)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64) + b"\xff\xd9"


def docx(text: str) -> bytes:
    """A real .docx (python-docx) with ``text`` as its paragraphs, one per line."""
    from docx import Document

    document = Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf(text: str) -> bytes:
    """A real PDF (reportlab, the built-in STSong-Light CID font: nothing embedded or downloaded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont("STSong-Light", 12)
    for n, line in enumerate(text.split("\n")):
        page.drawString(72, 760 - 18 * n, line)
    page.save()
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf("加密"))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def expanding_pdf(megabytes: int = 80) -> bytes:
    """A one-page PDF whose content stream inflates from ~100 kB to ``megabytes`` MB."""
    stream = zlib.compress(b" " * (megabytes * 1024 * 1024), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def zip_bomb(megabytes: int = 120) -> bytes:
    """A .docx-looking zip whose extra member inflates to ``megabytes`` MB (declared honestly)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(docx("正文"))) as real:
            for name in real.namelist():
                archive.writestr(name, real.read(name))
        with archive.open("word/media/filler.bin", "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return out.getvalue()


def lying_zip() -> bytes:
    """A .docx whose directory says word/document.xml is 100 bytes while its data inflates to 5 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(docx("正文"))) as real:
            for name in real.namelist():
                if name != "word/document.xml":
                    archive.writestr(name, real.read(name))
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (5 * 1024 * 1024) + b"</w:document>")
    data = bytearray(out.getvalue())
    # Patch the uncompressed size in the central directory entry and the local header of the member.
    name = b"word/document.xml"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    struct.pack_into("<I", data, central + 24, 100)
    local = data.find(b"PK\x03\x04" + bytes(0), 0)
    while local != -1:
        if data[local + 30 : local + 30 + len(name)] == name:
            struct.pack_into("<I", data, local + 22, 100)
            break
        local = data.find(b"PK\x03\x04", local + 4)
    return bytes(data)


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "不是 Word 文档")
    return out.getvalue()
