"""PDF documents the app issues: PDF/A-2b, fonts embedded, nothing fetched.

A :class:`Slip` is an official one-page document as Vietnamese agencies lay it out: the
issuing unit and the national motto side by side, a title, a reference line, label/value
rows, and a QR code with its caption. The receipt ("Giấy tiếp nhận hồ sơ và hẹn trả kết
quả") is one; the result certificates of issue 13 will be others, signed afterwards with
pyHanko, which keeps a PDF/A file PDF/A when it appends a signature.

Why these choices (see also pyproject.toml):

* fpdf2 writes PDF/A-2b itself (``enforce_compliance``): XMP metadata with the ``pdfaid``
  schema, an sRGB output intent, and it refuses what PDF/A forbids (encryption,
  non-embedded fonts) instead of writing an invalid file.
* Text is set in Be Vietnam Pro (SIL OFL 1.1), read from the ``fontpkg-be-vietnam-pro``
  package: a font designed for Vietnamese (every precomposed letter, so no shaping engine is
  needed), embedded as a subset with a ToUnicode map, so the text can be searched and copied.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from types import SimpleNamespace

from fontTools import subset as ftsubset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

FAMILY = "BeVietnamPro"
COMPLIANCE = "PDF/A-2B"
MEDIA_TYPE = "application/pdf"
INK = (27, 27, 27)
MUTED = (74, 74, 74)


@cache
def font_files() -> tuple[Path, Path]:
    """(regular, bold) TrueType files of Be Vietnam Pro, from the installed font package."""
    import fontpkg_be_vietnam_pro

    folder = Path(fontpkg_be_vietnam_pro.ROOT) / "files"
    regular, bold = folder / "BeVietnamPro-Regular.ttf", folder / "BeVietnamPro-SemiBold.ttf"
    for path in (regular, bold):
        if not path.is_file():
            raise FileNotFoundError(f"font missing from fontpkg-be-vietnam-pro: {path}")
    return regular, bold


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    # Several values (a list of documents) go one per line under the label.
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slip:
    """Every text already in the reader's language; ``lang`` is its BCP 47 tag (``vi``, ``en``)."""

    lang: str
    title: str
    issuer: str
    motto: tuple[str, str]
    reference_label: str
    reference: str
    rows: Sequence[Row] = ()
    qr_png: bytes | None = None
    qr_caption: str = ""
    qr_url: str = ""
    author: str = ""
    subject: str = ""
    created_at: datetime | None = None
    keywords: tuple[str, ...] = field(default_factory=tuple)


class _WholeFontSubsetter(ftsubset.Subsetter):
    """fpdf2 cuts every embedded font down to the glyphs the document uses, with fontTools: most of the
    time a one-page document takes. A font already cut small (issue 13's certificate fonts) is marked
    and embedded whole instead; any other font is cut as before."""

    def subset(self, font: TTFont) -> None:
        if getattr(font, WHOLE_FONT, None) is None:
            super().subset(font)


WHOLE_FONT = "citizen_app_whole_font"


@cache
def _embed_marked_fonts_whole() -> None:
    import fpdf.output

    fpdf.output.ftsubset = SimpleNamespace(Options=ftsubset.Options, Subsetter=_WholeFontSubsetter)  # type: ignore[attr-defined]


class _Document(FPDF):
    def __init__(self, fonts: tuple[Path, Path] | None = None, *, whole: bool = False) -> None:
        super().__init__(orientation="P", unit="mm", format="A4", enforce_compliance=COMPLIANCE)
        regular, bold = fonts or font_files()
        self.add_font(FAMILY, "", str(regular))
        self.add_font(FAMILY, "B", str(bold))
        if whole:
            _embed_marked_fonts_whole()
            for font, path in zip((self.fonts[FAMILY.lower()], self.fonts[FAMILY.lower() + "B"]), (regular, bold),
                                  strict=True):
                data = _font_bytes(str(path))
                setattr(font.ttfont, WHOLE_FONT, data)
                # The file as it is, instead of fontTools writing every table out again.
                font.ttfont.save = lambda file, reorderTables=True, data=data: file.write(data)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)
        self.set_text_color(*INK)


@cache
def _font_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def render_slip(slip: Slip, *, fonts: tuple[Path, Path] | None = None, whole_fonts: bool = False) -> bytes:
    """The slip as one PDF/A-2b file (more pages only if its rows need them); ``fonts`` (regular, bold)
    replace Be Vietnam Pro's full files, e.g. by a smaller cut of them (issue 13's certificates), which
    ``whole_fonts`` embeds as they are rather than cut again for each document."""
    pdf = _Document(fonts, whole=whole_fonts)
    pdf.set_lang(slip.lang)
    pdf.set_title(f"{slip.title} {slip.reference}".strip())
    pdf.set_subject(slip.subject or slip.title)
    pdf.set_author(slip.author or slip.issuer)
    pdf.set_creator("citizen-app")
    if slip.keywords:
        pdf.set_keywords(" ".join(slip.keywords))
    if slip.created_at is not None:
        pdf.set_creation_date(slip.created_at)
    pdf.add_page()
    width = pdf.epw
    half = width / 2

    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(half - 4, 5, slip.issuer, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.multi_cell(half, 5, slip.motto[0], align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(half, 5, slip.motto[1], align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)

    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(width, 7, slip.title.upper(), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 11)
    pdf.multi_cell(
        width, 6, f"{slip.reference_label}: **{slip.reference}**", align="C", markdown=True,
        new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )
    pdf.ln(4)

    label_width = 58
    for row in slip.rows:
        _row(pdf, row, label_width, width - label_width)

    if slip.qr_png:
        pdf.ln(4)
        size = 40
        if pdf.get_y() + size > pdf.h - pdf.b_margin:
            pdf.add_page()
        y = pdf.get_y()
        pdf.image(io.BytesIO(slip.qr_png), x=pdf.l_margin, y=y, w=size, h=size, alt_text=slip.qr_caption)
        beside = pdf.l_margin + size + 6
        pdf.set_xy(beside, y + 4)
        pdf.set_font(FAMILY, "", 10)
        pdf.multi_cell(width - size - 6, 5, slip.qr_caption, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
        if slip.qr_url:
            pdf.set_xy(beside, pdf.get_y() + 1)
            pdf.set_text_color(*MUTED)
            pdf.set_font(FAMILY, "", 8)
            pdf.multi_cell(width - size - 6, 4, slip.qr_url, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_text_color(*INK)
        pdf.set_y(max(pdf.get_y(), y + size))
    return bytes(pdf.output())


def _row(pdf: FPDF, row: Row, label_width: float, value_width: float) -> None:
    values = list(row.lines) or [row.value or "—"]
    y = pdf.get_y()
    pdf.set_draw_color(216, 216, 216)
    pdf.line(pdf.l_margin, y, pdf.l_margin + label_width + value_width, y)
    pdf.set_xy(pdf.l_margin, y + 1.5)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(label_width - 3, 5, row.label, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    label_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + label_width, y + 1.5)
    pdf.set_font(FAMILY, "", 10)
    for value in values:
        pdf.multi_cell(value_width, 5, value, align="L", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, max(label_bottom, pdf.get_y()) + 1.5)
