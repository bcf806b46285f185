"""The instansi a deployment serves: the government and agency named on every document, e-mail, calendar and page,
who signs each document, where letters are dated, and the time zone every date and time is shown in.

Configuration, not code: a JSON file named by ``INSTANSI_FILE`` (docs/operations.md, "Configuring an instansi");
without it the demo's instansi (``shared/instansi_demo.json``). Read and checked once per process, every problem
named at start-up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

DEMO_FILE = Path(__file__).with_name("instansi_demo.json")

# Indonesia's three time zones (their IANA names) and the abbreviation people read on a schedule
ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
KINDS = ("kota", "kabupaten", "provinsi", "kementerian", "lembaga")
DOCUMENTS = ("certificate", "call_up_letter")  # the documents that carry a signatory
_NIP = re.compile(r"^\d{18}$")


@dataclasses.dataclass(frozen=True)
class Signatory:
    """Who signs a document: printed under it (and, for a certificate, named in its electronic signature)."""

    name: str
    nip: str
    position: str  # e.g. "Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"


@dataclasses.dataclass(frozen=True)
class Instansi:
    code: str  # short and stable, e.g. "kota-makassar": names the deployment in logs and documents' metadata
    kind: str  # one of KINDS
    region: str  # "Kota Makassar", "Kabupaten Jayapura", "Provinsi Aceh"
    government: str  # the letterhead's first line: "Pemerintah Kota Makassar"
    agency: str  # "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia"
    agency_short: str  # how messages sign off and pages name it: "BKPSDM Kota Makassar"
    seat: str  # where its letters are dated: "Makassar, 7 Juli 2026"
    address: str
    time_zone: str  # one of ZONES
    mail_domain: str  # the domain of the mail sender, message ids and calendar entries' ids
    mail_from: str  # the sender of every e-mail: "Bangkom BKPSDM Makassar <bangkom@makassarkota.go.id>"
    signatories: dict[str, Signatory]  # document (DOCUMENTS) → who signs it
    logo: bytes | None = dataclasses.field(default=None, repr=False)  # PNG or JPEG printed on the letterhead

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def zone_name(self) -> str:
        """WIB, WITA or WIT: what a schedule prints beside its times."""
        return ZONES[self.time_zone]

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A moment (aware; naive taken as UTC) as the instansi's clocks show it."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(self.zone)

    def today(self) -> dt.date:
        return dt.datetime.now(self.zone).date()


@functools.lru_cache(maxsize=8)
def configured(path: str = "") -> Instansi:
    """The instansi of ``path`` (the demo's when empty), read once per process."""
    return load(path or DEMO_FILE)


def load(path: str | Path) -> Instansi:
    """The instansi described by the JSON file at ``path``; ValueError naming every problem."""
    path = Path(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    text_fields = [f.name for f in dataclasses.fields(Instansi) if f.name not in ("signatories", "logo")]
    for name in text_fields:
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            problems.append(f"{name}: required, a non-empty text")
    if raw.get("kind") not in KINDS:
        problems.append(f"kind: one of {', '.join(KINDS)}")
    if raw.get("time_zone") not in ZONES:
        problems.append(f"time_zone: one of Indonesia's zones {', '.join(ZONES)}")
    signatories: dict[str, Signatory] = {}
    given = raw.get("signatories") if isinstance(raw.get("signatories"), dict) else {}
    for document in DOCUMENTS:
        entry = given.get(document)
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("name", "nip", "position")):
            problems.append(f"signatories.{document}: required, with name, nip and position")
            continue
        if not _NIP.match(entry["nip"]):
            problems.append(f"signatories.{document}.nip: 18 digits")
        signatories[document] = Signatory(entry["name"], entry["nip"], entry["position"])
    problems += [
        f"signatories.{d}: not a document with a signatory ({', '.join(DOCUMENTS)})"
        for d in given
        if d not in DOCUMENTS
    ]
    logo = None
    if raw.get("logo"):
        logo_path = path.parent / raw["logo"]
        try:
            logo = logo_path.read_bytes()
        except OSError as exc:
            problems.append(f"logo: {logo_path} cannot be read ({exc.strerror})")
    if problems:
        raise ValueError(f"{path}: " + "; ".join(problems))
    return Instansi(**{name: raw[name] for name in text_fields}, signatories=signatories, logo=logo)
