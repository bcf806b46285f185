"""Problem details in the caller's language: Bahasa Indonesia first, English on request (``Accept-Language``).

Services write their messages once, in English, where the rule is (``raise Conflict(f"No batch {id}.")``). The
translations are gettext message catalogues read with Babel: ``shared/locale`` for what every service can answer (the
edge's, marshmallow's, the NIP rule's, the month names), ``services/<name>/locale`` for each service's own, each with
``id/LC_MESSAGES/messages.po`` (Indonesian) and ``en/LC_MESSAGES/messages.po`` (English). A msgid is the English
template: its values ``{0}``, ``{1}``… in the order the English sentence has them; the Indonesian sentence may use them
in any order. The edge (``shared.web.problem``) translates the ``detail`` and every field ``message`` of a problem as
it leaves. ``tests/unit/test_messages.py`` checks that every message the code can raise has its Indonesian, and that
both catalogues of each hold every message with the same values.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path

from babel.messages.pofile import read_po

LANGUAGES = ("id", "en")  # the first is the default: a caller who says nothing gets Indonesian
LOCALE = Path(__file__).parent / "locale"  # the messages every service can answer
ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def read_catalogue(locale: Path, language: str = "id") -> dict[str, str]:
    """The messages of a catalogue (``<locale>/<language>/LC_MESSAGES/messages.po``): English template → text."""
    with (locale / language / "LC_MESSAGES" / "messages.po").open("rb") as file:
        catalogue = read_po(file, locale=language)
    return {str(message.id): str(message.string) for message in catalogue if message.id and message.string}


COMMON = read_catalogue(LOCALE)
MONTHS = tuple(COMMON[month] for month in ENGLISH_MONTHS)  # dates in letters (7 Juli 2026), on documents and pages


class Catalogue:
    """English message templates → Indonesian; unknown text passes unchanged (and the completeness test fails)."""

    def __init__(self, *tables: Mapping[str, str]) -> None:
        self.templates: set[str] = set()
        self.exact: dict[str, str] = {}
        self.patterns: list[tuple[re.Pattern[str], str, int]] = []
        for table in tables:
            for english, indonesian in table.items():
                self.templates.add(english)
                fields = [name for _, name, _, _ in string.Formatter().parse(english) if name is not None]
                if not fields:
                    self.exact[english.replace("{{", "{").replace("}}", "}")] = indonesian.replace("{{", "{").replace(
                        "}}", "}"
                    )
                else:
                    fixed = sum(len(literal) for literal, *_ in string.Formatter().parse(english))
                    self.patterns.append((_pattern(english), indonesian, fixed))
        # the templates with the most fixed words first, so that a specific sentence wins over a general one
        self.patterns.sort(key=lambda entry: -entry[2])

    def indonesian(self, text: str) -> str | None:
        if text in self.exact:
            return self.exact[text]
        for pattern, indonesian, _ in self.patterns:
            found = pattern.fullmatch(text)
            if found:
                values = [self._value(value) for value in found.groups()]
                return indonesian.format(*values)
        return None

    def _value(self, value: str) -> str:
        """A template's value in Indonesian: a whole sentence or word, or several sentences one by one, or a list
        ("employee or supervisor", "open, planned") item by item; what has no Indonesian (a number, a name, a code)
        as it is."""
        if (whole := self.indonesian(value)) is not None:
            return whole
        sentences = re.split(r"(?<=\.) (?=[A-Z])", value)
        if len(sentences) > 1:  # "The end date is before the start date. JP must be …"
            return " ".join(self._value(sentence) for sentence in sentences)
        for english, indonesian in ((" or ", " atau "), (", ", ", ")):
            if english in value:
                return indonesian.join(self.indonesian(item) or item for item in value.split(english))
        return value

    def translate(self, text: str, language: str) -> str:
        if language == "en" or not text:
            return text
        found = self.indonesian(text) or text
        return found[:1].upper() + found[1:] if text[:1].isupper() else found  # "A task …" → "Tugas …"

    def covers(self, english_template: str) -> bool:
        """Whether a template as written in the code (``{0}`` for each value) has its own Indonesian."""
        return english_template in self.templates


def _pattern(english: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(english):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append("(.+?)")
    return re.compile("".join(parts), re.DOTALL)


def language_of(accept_language: str | None) -> str:
    """The caller's language from an ``Accept-Language`` header: ``en`` only when English is preferred."""
    best, best_quality = LANGUAGES[0], -1.0
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality <= 0:  # q=0: "not this one"
            continue
        quality -= position * 1e-6  # equal weights: the first named wins
        if primary in LANGUAGES and quality > best_quality:
            best, best_quality = primary, quality
        elif primary == "ms" and quality > best_quality:  # Malay readers read Indonesian
            best, best_quality = "id", quality
    return best
