"""A local SMTP receiver (aiosmtpd): the stand-in for the city's mail server in tests. It keeps every message
it receives, so a test counts what arrived and reads the links and codes in it."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


class SmtpStandin:
    def __init__(self) -> None:
        self.inbox = _Inbox()
        with socket.socket() as probe:  # aiosmtpd checks its port by connecting: it needs a real one
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpStandin:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        with self.inbox.lock:
            return [m for m in self.inbox.messages if address in m["To"]]

    @staticmethod
    def code_in(message: EmailMessage) -> str:
        """The one-time code of an activation or reset message."""
        found = re.search(r"kode ([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})", message.get_content())
        assert found, message.get_content()
        return found.group(1)
