"""The one mail channel of Bangkom: e-mail over SMTP as a service's settings describe it.

Any settings object with ``smtp_host``, ``smtp_port``, ``smtp_security`` (``none``, ``starttls`` or ``ssl``),
``smtp_username``, ``smtp_password``, ``smtp_timeout_seconds``, ``mail_from`` (empty: the instansi's sender) and
``instansi`` will do. A failure is a ``DeliveryError``, ``permanent`` when trying again cannot help (the server
refused the address).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Any, Protocol


class DeliveryError(Exception):
    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Channel(Protocol):
    def send(self, address: str, subject: str, text: str, reference: str | None = None) -> None:
        """Deliver, or raise DeliveryError. ``reference`` is the message's id, the same on every attempt: the
        receiver's way to recognise a message sent again after a worker died between the acceptance and its record
        (e-mail: the Message-ID)."""


class SmtpChannel:
    """E-mail as configured: host, port, none/STARTTLS/TLS, credentials."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings

    def send(self, address: str, subject: str, text: str, reference: str | None = None) -> None:
        message = EmailMessage()
        instansi = self.settings.instansi
        message["From"] = self.settings.mail_from or instansi.mail_from
        message["To"], message["Subject"] = address, subject
        if reference:
            message["Message-ID"] = f"<{reference}@bangkom.{instansi.mail_domain}>"
        message.set_content(text)
        try:
            with self._connect() as client:
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"The mail server refused the address: {exc}", permanent=True) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc

    def _connect(self) -> smtplib.SMTP:
        """A connection, secured and signed in as configured."""
        s = self.settings
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if s.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds, context=context)
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        try:
            if s.smtp_security == "starttls":
                client.starttls(context=context)
            if s.smtp_username:
                client.login(s.smtp_username, s.smtp_password)
        except BaseException:
            client.close()
            raise
        return client
