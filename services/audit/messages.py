"""The audit service's messages in Indonesian: its catalogue ``locale/id/LC_MESSAGES/messages.po`` (``shared/messages.py``)."""

from pathlib import Path

from shared.messages import read_catalogue

INDONESIAN = read_catalogue(Path(__file__).parent / "locale")
