"""Every message a service can send back in a problem has its Indonesian, and the caller's language is chosen."""

from __future__ import annotations

import ast
import importlib
import pathlib
import string

import pytest

from shared import messages

ROOT = pathlib.Path(__file__).resolve().parents[2]
RAISED = {"AppError", "Invalid", "NotFound", "Conflict", "Forbidden", "Unauthorized", "ValidationError", "BadRequest"}
SERVICES = ("needs", "training", "evaluation", "notifications", "gateway", "audit")


def _template(node: ast.AST) -> str | None:
    """The message as the code writes it, each interpolated value as ``{0}``, ``{1}``…"""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.replace("{", "{{").replace("}", "}}")
    if isinstance(node, ast.JoinedStr):
        parts, count = [], 0
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(part.value.replace("{", "{{").replace("}", "}}"))
            else:
                parts.append(f"{{{count}}}")
                count += 1
        return "".join(parts)
    return None


def written_messages(path: pathlib.Path) -> set[str]:
    """Details of raised errors, ``"message"`` entries, marshmallow ``error=`` texts of one module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in RAISED and node.args:
                found.add(_template(node.args[0]))
            if name == "problem" and len(node.args) > 1:  # problem(status, detail)
                found.add(_template(node.args[1]))
            found.update(_template(k.value) for k in node.keywords if k.arg == "error")
        if isinstance(node, ast.Dict):
            found.update(_template(v) for k, v in zip(node.keys, node.values, strict=True) if _is(k, "message"))
            # a row's problems by field: {"position_code": [f"Unknown position {code}; create it first."]}
            found.update(
                _template(element)
                for v in node.values
                if isinstance(v, ast.List)
                for element in v.elts
                if _sentence(element)
            )
        # a problem as (field, reason): ("NIP", "Not an 18-digit NIP; …")
        if isinstance(node, ast.Tuple) and len(node.elts) == 2 and _sentence(node.elts[1]):
            found.add(_template(node.elts[1]))
        # rows' problems and warnings of a report: errors["field"] = ["…"], report.warnings.append("…")
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.List)
            and any(isinstance(t, ast.Subscript) and "errors" in ast.unparse(t.value) for t in node.targets)
        ):
            found.update(_template(element) for element in node.value.elts)
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", None) == "append"
            and node.args
            and any(word in ast.unparse(node.func.value) for word in ("errors", "warnings"))
        ):
            found.add(_template(node.args[0]))
    return {text for text in found if text}


def _sentence(node: ast.AST) -> bool:
    """A text a person reads: a sentence with a capital, words and a full stop (not a code or a column name)."""
    text = _template(node)
    return bool(text) and text[0].isupper() and " " in text and text.rstrip().endswith(".")


def _is(node: ast.AST | None, value: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == value


def _catalogue(service: str | None) -> messages.Catalogue:
    if service is None:
        return messages.Catalogue(messages.COMMON)
    return messages.Catalogue(messages.COMMON, importlib.import_module(f"services.{service}.messages").INDONESIAN)


@pytest.mark.parametrize("service", [*SERVICES, None])
def test_every_message_has_its_indonesian(service):
    folder = ROOT / ("services/" + service if service else "shared")
    catalogue = _catalogue(service)
    missing = sorted(
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in folder.rglob("*.py")
        if "/ui/" not in str(path)  # the web UI writes both languages itself (t(...))
        for text in written_messages(path)
        if not catalogue.covers(text)
    )
    assert not missing, "messages without Indonesian:\n" + "\n".join(missing)


def test_rendered_messages_are_translated_with_their_values():
    catalogue = _catalogue("training")
    assert catalogue.translate("No batch 42.", "id") == "Angkatan 42 tidak ditemukan."
    assert catalogue.translate("No batch 42.", "en") == "No batch 42."
    assert catalogue.translate("Must be greater than or equal to 1 and less than or equal to 5.", "id") == (
        "Harus antara 1 dan 5."
    )
    assert catalogue.translate("Missing data for required field.", "id") == "Wajib diisi."
    assert catalogue.translate("Something nobody wrote.", "id") == "Something nobody wrote."


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "id"),
        ("", "id"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("id-ID,id;q=0.9,en;q=0.8", "id"),
        ("en;q=0.5,id;q=0.9", "id"),
        ("fr", "id"),
        ("fr,en;q=0.7", "en"),
        ("ms", "id"),
        ("en;q=x", "id"),
    ],
)
def test_the_callers_language_indonesian_first(header, language):
    assert messages.language_of(header) == language


def test_the_values_a_message_names_are_translated_too_one_language_at_a_time():
    """States, roles, lists of them and several sentences in a value: no "peran employee or supervisor", no
    "berstatus submitted", no English sentence inside an Indonesian one."""
    catalogue = _catalogue("needs")
    assert (
        catalogue.translate("This needs the role employee or supervisor; you have partner.", "id")
        == "Ini memerlukan peran pegawai atau atasan; peran Anda: mitra."
    )
    assert (
        catalogue.translate("A task that is submitted cannot become open (allowed: expired, cancelled).", "id")
        == "Tugas yang berstatus terkirim tidak dapat menjadi terbuka (yang diizinkan: kedaluwarsa, dibatalkan)."
    )
    assert (
        catalogue.translate(
            "The claim cannot be submitted: The end date is before the start date. JP must be between 1 and 1000.",
            "id",
        )
        == "Klaim belum dapat diajukan: Tanggal selesai sebelum tanggal mulai. JP harus antara 1 dan 1000."
    )
    assert _catalogue("training").translate("Status: enrolled.", "id") == "Status: terdaftar."
    assert catalogue.translate("No batch 42.", "id") == "Angkatan 42 tidak ditemukan."  # a number stays a number


def _values(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("service", [*SERVICES, None])
def test_both_catalogues_hold_every_message_with_the_same_values(service):
    """The .po catalogues (Indonesian first, English second): the same message ids in both, none untranslated, and
    each translation names exactly the values of its English template (a lost or invented {1} shows here)."""
    locale = ROOT / ("services/" + service if service else "shared") / "locale"
    indonesian = messages.read_catalogue(locale, "id")
    english = messages.read_catalogue(locale, "en")
    assert indonesian and set(indonesian) == set(english)
    for template in indonesian:
        assert indonesian[template].strip() and english[template].strip(), template
        assert _values(indonesian[template]) == _values(template) == _values(english[template]), template
