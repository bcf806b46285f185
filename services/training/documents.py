"""The documents people carry, as PDF: the certificate (sertifikat), the call-up letter (surat panggilan) and the
attendance sheet for signatures (daftar hadir).

Rendering only (ReportLab): the handlers and views decide what a document says and pass it in as plain values; nothing
here reads a database or a request. Text is set in Bitstream Vera, embedded (it comes with ReportLab), so every
letter of a name prints and a reader can copy it; long names and titles wrap instead of running off the page.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from shared import messages
from shared.instansi import Instansi, Signatory

FORM_WORDS = {  # "telah mengikuti …"
    "pelatihan": "pelatihan",
    "seminar": "seminar",
    "workshop": "lokakarya",
    "kursus": "kursus",
    "bimtek": "bimbingan teknis",
    "sosialisasi": "sosialisasi",
    "magang": "magang",
    "e-learning": "e-learning",
    "coaching": "coaching",
    "mentoring": "mentoring",
    "pembelajaran_jarak_jauh": "pembelajaran jarak jauh",
    "outbound": "outbound",
    "on_the_job": "pelatihan di tempat kerja",
    "pertukaran": "pertukaran pegawai",
}

_fonts_ready = False


def _fonts() -> None:
    global _fonts_ready
    if not _fonts_ready:
        pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
        pdfmetrics.registerFont(TTFont("Vera-Bold", "VeraBd.ttf"))
        pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="Vera-Bold", italic="Vera", boldItalic="Vera-Bold")
        _fonts_ready = True


def tanggal(day: dt.date) -> str:
    """A date as Indonesian letters write it: 7 Juli 2026."""
    return f"{day.day} {messages.MONTHS[day.month - 1]} {day.year}"


def period(first: dt.date, last: dt.date) -> str:
    return tanggal(first) if first == last else f"{tanggal(first)} s.d. {tanggal(last)}"


def _named(form: str, title: str) -> str:
    """ "pelatihan Kepemimpinan", but not "pelatihan Pelatihan GIS": the form word once."""
    words = FORM_WORDS.get(form, form.replace("_", " "))
    return title if title.lower().startswith(words.lower()) else f"{words} {title}"


def _style(size: float, bold: bool = False, center: bool = False, leading: float | None = None) -> ParagraphStyle:
    _fonts()
    return ParagraphStyle(
        f"s{size}{bold}{center}",
        fontName="Vera-Bold" if bold else "Vera",
        fontSize=size,
        leading=leading or size * 1.3,
        alignment=TA_CENTER if center else 0,
    )


def _p(text: str, size: float = 10, bold: bool = False, center: bool = False) -> Paragraph:
    return Paragraph(escape(text), _style(size, bold, center))


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _document(pagesize, title: str, story: list, instansi: Instansi) -> bytes:
    _fonts()
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=pagesize,
        title=title,
        author=instansi.agency_short,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.6 * cm,
        bottomMargin=1.6 * cm,
    ).build(story)
    return out.getvalue()


def _letterhead(instansi: Instansi) -> list:
    """The instansi's letterhead: its logo when it has one, the government, the agency and its address."""
    lines = [
        _p(instansi.government.upper(), 12, bold=True, center=True),
        _p(instansi.agency.upper(), 11, bold=True, center=True),
        _p(instansi.address, 8, center=True),
    ]
    if instansi.logo is None:
        return lines
    logo = Image(io.BytesIO(instansi.logo), width=1.8 * cm, height=1.8 * cm, kind="proportional")
    head = Table([[logo, lines, ""]], colWidths=[2.4 * cm, None, 2.4 * cm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return [head]


def _signature(signatory: Signatory, place_and_date: str | None, center: bool = False) -> list:
    """The signature block: where and when, the position, room to sign (or the electronic signature's mark), the
    name and NIP."""
    block = [_p(place_and_date, 10, center=center)] if place_and_date else []
    return [
        *block,
        _p(signatory.position, 10, center=center),
        Spacer(1, 1.2 * cm),
        _p(signatory.name, 10, bold=True, center=center),
        _p(f"NIP {signatory.nip}", 9, center=center),
    ]


# --- certificate --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateText:
    number: str
    participant_name: str
    nip: str
    program_title: str
    form: str
    partner_name: str
    started_on: dt.date
    completed_on: dt.date
    jp: int
    competencies: Sequence[str]  # as printed: name (the code when the program gave none) and level
    verify_url: str


def certificate(text: CertificateText, instansi: Instansi) -> bytes:
    """One page, A4 landscape, signed for the instansi by its certificate signatory; the QR code opens the public
    verification page of its number."""
    form = FORM_WORDS.get(text.form, text.form.replace("_", " "))
    story = [
        *_letterhead(instansi),
        Spacer(1, 0.6 * cm),
        _p("SERTIFIKAT", 30, bold=True, center=True),
        _p(f"Nomor: {text.number}", 11, center=True),
        Spacer(1, 0.5 * cm),
        _p("diberikan kepada", 11, center=True),
        Spacer(1, 0.2 * cm),
        _p(text.participant_name, 20, bold=True, center=True),
        _p(f"NIP {text.nip}", 11, center=True),
        Spacer(1, 0.4 * cm),
        _p(f"yang telah mengikuti {form}", 11, center=True),
        _p(text.program_title, 15, bold=True, center=True),
        _p(
            f"diselenggarakan oleh {text.partner_name} pada {period(text.started_on, text.completed_on)} "
            f"sebanyak {text.jp} JP (jam pelajaran)",
            11,
            center=True,
        ),
    ]
    if text.competencies:
        story.append(_p("Kompetensi: " + "; ".join(text.competencies), 9, center=True))
    verify = Table(
        [
            [
                _qr(text.verify_url, 3.2 * cm),
                [
                    _p("Keaslian sertifikat ini dapat diperiksa dengan memindai kode QR atau membuka:", 8),
                    _p(text.verify_url, 8),
                ],
                _signature(
                    instansi.signatories["certificate"], f"{instansi.seat}, {tanggal(text.completed_on)}", center=True
                ),
            ]
        ],
        colWidths=[3.6 * cm, 10 * cm, 10 * cm],
    )
    verify.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [Spacer(1, 0.4 * cm), verify]
    return _document(landscape(A4), f"Sertifikat {text.number}", story, instansi)


# --- call-up letter -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    nip: str
    name: str
    position_name: str | None
    unit_name: str | None


@dataclass(frozen=True)
class Session:
    meeting_no: int
    date: dt.date
    starts_at: dt.time
    ends_at: dt.time
    place: str | None
    online: bool


@dataclass(frozen=True)
class BatchText:
    program_title: str
    program_code: str
    batch_number: int
    form: str
    partner_name: str
    jp: int
    meetings: Sequence[Session]


def _schedule(meetings: Sequence[Session], zone_name: str) -> Table:
    """The meetings' dates and times, as the instansi's clocks show them (WIB, WITA or WIT)."""
    rows = [
        [_p("Pertemuan", 9, True), _p("Tanggal", 9, True), _p(f"Waktu ({zone_name})", 9, True), _p("Tempat", 9, True)]
    ]
    for m in meetings:
        place = m.place or ("daring" if m.online else "-")
        rows.append(
            [
                _p(str(m.meeting_no), 9),
                _p(tanggal(m.date), 9),
                _p(f"{m.starts_at:%H.%M}–{m.ends_at:%H.%M}", 9),
                _p(place + (" (daring)" if m.online and m.place else ""), 9),
            ]
        )
    return _grid(rows, [2.7 * cm, 4 * cm, 3 * cm, 7.3 * cm])


def _grid(rows: list, widths: list[float], repeat: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=repeat)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def call_up_letter(
    batch: BatchText, units: Sequence[tuple[str, Sequence[Participant]]], issued_on: dt.date, instansi: Instansi
) -> bytes:
    """One letter per OPD (a page or more each), to its head: which of their staff to release, when and where."""
    story: list = []
    for index, (unit_name, people) in enumerate(units):
        if index:
            story.append(PageBreak())
        story += [
            *_letterhead(instansi),
            Spacer(1, 0.5 * cm),
            _p(f"{instansi.seat}, {tanggal(issued_on)}", 10),
            _p("Perihal: Surat panggilan peserta pengembangan kompetensi", 10, bold=True),
            Spacer(1, 0.3 * cm),
            _p(f"Yth. Kepala {unit_name}", 10),
            _p(f"di {instansi.seat}", 10),
            Spacer(1, 0.3 * cm),
            _p(
                f"Dengan hormat, bersama ini kami memanggil pegawai di bawah ini untuk mengikuti "
                f"{_named(batch.form, batch.program_title)} angkatan {batch.batch_number} "
                f"({batch.program_code}, {batch.jp} JP) yang diselenggarakan oleh {batch.partner_name}. Mohon "
                "Bapak/Ibu memberi izin dan menugaskan yang bersangkutan hadir pada jadwal berikut.",
                10,
            ),
            Spacer(1, 0.3 * cm),
            _schedule(batch.meetings, instansi.zone_name),
            Spacer(1, 0.4 * cm),
        ]
        rows = [[_p("No", 9, True), _p("Nama", 9, True), _p("NIP", 9, True), _p("Jabatan", 9, True)]]
        for number, person in enumerate(people, 1):
            rows.append([_p(str(number), 9), _p(person.name, 9), _p(person.nip, 9), _p(person.position_name or "-", 9)])
        story += [
            _grid(rows, [1.2 * cm, 5.6 * cm, 4.6 * cm, 5.6 * cm]),
            Spacer(1, 0.6 * cm),
            _p("Atas perhatian dan kerja sama Bapak/Ibu kami ucapkan terima kasih.", 10),
            Spacer(1, 0.5 * cm),
            *_signature(instansi.signatories["call_up_letter"], None),
        ]
    return _document(A4, f"Surat panggilan {batch.program_code} angkatan {batch.batch_number}", story, instansi)


# --- attendance sheet ---------------------------------------------------------------------------


def attendance_sheet(batch: BatchText, meeting: Session, people: Sequence[Participant], instansi: Instansi) -> bytes:
    """The sheet participants sign at one meeting: a row each, a column for the signature."""
    rows = [[_p("No", 9, True), _p("Nama / NIP", 9, True), _p("OPD", 9, True), _p("Tanda tangan", 9, True)]]
    for number, person in enumerate(people, 1):
        rows.append(
            [
                _p(str(number), 9),
                [_p(person.name, 9), _p(person.nip, 8)],
                _p(person.unit_name or "-", 9),
                _p(f"{number}.", 8),
            ]
        )
    place = meeting.place or ("daring" if meeting.online else "-")
    story = [
        *_letterhead(instansi),
        Spacer(1, 0.4 * cm),
        _p("DAFTAR HADIR", 16, bold=True, center=True),
        _p(f"{batch.program_title} · angkatan {batch.batch_number}", 11, bold=True, center=True),
        _p(
            f"Pertemuan {meeting.meeting_no} · {tanggal(meeting.date)} · "
            f"{meeting.starts_at:%H.%M}–{meeting.ends_at:%H.%M} {instansi.zone_name} · {place} · {batch.partner_name}",
            10,
            center=True,
        ),
        Spacer(1, 0.4 * cm),
        _grid(rows, [1.2 * cm, 7 * cm, 5 * cm, 3.8 * cm]),
    ]
    return _document(
        A4,
        f"Daftar hadir {batch.program_code} angkatan {batch.batch_number} pertemuan {meeting.meeting_no}",
        story,
        instansi,
    )
