"""The documentation describes the code: every catalogue event and field appears in docs/events.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.events import event_types

ROOT = Path(__file__).resolve().parents[2]
EVENTS_MD = (ROOT / "docs" / "events.md").read_text()


@pytest.mark.parametrize("event_type", event_types(), ids=lambda t: t.name)
def test_every_event_type_and_field_is_documented(event_type):
    rows = [line for line in EVENTS_MD.splitlines() if line.startswith(f"| `{event_type.name}` |")]
    assert len(rows) == 1, f"{event_type.name} needs one row in docs/events.md"
    _, name, version, key, data, _ = rows[0].split("|")
    assert (version.strip(), key.strip()) == (str(event_type.version), event_type.key_field)
    documented = [part.strip().split("`")[1] for part in data.split(",")]
    assert documented == list(event_type.schema().fields), "the fields, in the schema's order"
    for part in data.split(","):
        field = event_type.schema().fields[part.strip().split("`")[1]]
        marks = part.strip().rsplit("`", 1)[1]
        assert ("?" in marks) == (not field.required) and ("∅" in marks) == field.allow_none, part


def test_readme_commands_exist_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    for target in ("setup", "test", "lint", "demo", "bench"):
        assert f"\n{target}:" in makefile or makefile.startswith(f"{target}:"), target


def test_every_setting_is_documented_in_operations():
    import dataclasses

    from shared.config import Settings

    operations = (ROOT / "docs" / "operations.md").read_text()
    for field in dataclasses.fields(Settings):
        if field.name != "service":
            assert f"| `{field.name.upper()}` |" in operations, field.name


@pytest.mark.parametrize("service", ["needs", "training", "evaluation", "notifications", "gateway", "audit"])
def test_every_service_setting_is_documented(service):
    import dataclasses
    import importlib

    from shared.config import Settings

    settings_class = importlib.import_module(f"services.{service}.config").load_settings.__annotations__["return"]
    settings_class = getattr(importlib.import_module(f"services.{service}.config"), settings_class)
    common = {f.name for f in dataclasses.fields(Settings)}
    page = (ROOT / "docs" / f"{service}.md").read_text()
    if service == "needs":  # the SIMPEG adapter lives in the needs service and has its own page
        page += (ROOT / "docs" / "simpeg.md").read_text()
    for field in dataclasses.fields(settings_class):
        if field.name not in common:
            assert f"| `{field.name.upper()}` |" in page, field.name


@pytest.mark.parametrize("service", ["needs", "training", "evaluation", "notifications", "audit"])
def test_the_access_page_lists_every_rule_of_the_code(service):
    import importlib

    access = importlib.import_module(f"services.{service}.api").ACCESS
    page = (ROOT / "docs" / "access.md").read_text()
    for (method, rule), roles in access.items():
        assert f"| {method} | `{rule}` | {', '.join(sorted(roles))} |" in page, (method, rule)


ARCHITECTURE_MD = (ROOT / "docs" / "architecture.md").read_text()
SKIPPED = {"__init__.py", "migrations", "locale", "templates", "static", "__pycache__"}


def _layout_of(service: str) -> str:
    """The tree of ``services/<service>/`` in docs/architecture.md: its lines up to the next service's (or shared/)."""
    layout = ARCHITECTURE_MD.split("## Layout: one tree per service", 1)[1].split("```")[1]
    block = layout.split(f"services/{service}/", 1)[1]
    return block.split("\nservices/", 1)[0].split("\nshared/", 1)[0]


@pytest.mark.parametrize("service", ["needs", "training", "evaluation", "notifications", "gateway", "audit"])
def test_every_module_and_package_of_a_service_is_in_its_tree(service):
    tree = _layout_of(service)
    folder = ROOT / "services" / service
    for entry in sorted(folder.iterdir()):
        if entry.name in SKIPPED or not (entry.suffix == ".py" or entry.is_dir()):
            continue
        named = entry.name + "/" if entry.is_dir() else entry.name
        assert named in tree, f"services/{service}/{named} is missing from docs/architecture.md (Layout)"
        if entry.is_dir():  # a package: each of its modules named on its line(s)
            for module in sorted(entry.glob("*.py")):
                if module.name != "__init__.py":
                    assert module.stem in tree, f"services/{service}/{named}{module.name} is missing (Layout)"


def test_every_shared_module_is_in_the_backbone_table():
    for module in sorted((ROOT / "shared").glob("*.py")):
        if module.name != "__init__.py":
            assert f"| `{module.name}` |" in ARCHITECTURE_MD, (
                f"shared/{module.name} is missing from docs/architecture.md"
            )
