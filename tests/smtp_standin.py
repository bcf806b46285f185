"""A local SMTP receiver (aiosmtpd): the stand-in for the city's mail server in tests. It keeps every message
it receives, so a test counts what arrived and reads the links and codes in it.

Like a mail store with duplicate suppression (Sieve ``duplicate``, RFC 7352; what Gmail and Exchange do by
Message-ID), a message whose Message-ID a mailbox already holds is accepted and not stored again: a sender that died
between the server's acceptance and its own record sends it again, and the mailbox still holds one. ``duplicates``
counts those retransmissions, so a test can bound them."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class _Inbox:
    def __init__(self, keep: bool) -> None:
        self.keep = keep  # False: count what arrives, keep nothing (a long run)
        self.received = 0
        self.messages: list[EmailMessage] = []
        self.duplicates = 0
        self.seen: set[tuple[str, str]] = set()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.received += 1
        if not self.keep:
            return "250 OK"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        key = (str(message["To"]), str(message["Message-ID"] or id(message)))
        with self.lock:
            if key in self.seen:
                self.duplicates += 1
            else:
                self.seen.add(key)
                self.messages.append(message)
        return "250 OK"


class SmtpStandin:
    def __init__(self, keep: bool = True) -> None:
        self.inbox = _Inbox(keep)
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
