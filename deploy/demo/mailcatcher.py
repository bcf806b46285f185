"""The demo's mail catcher: a local SMTP server (aiosmtpd) that keeps every message it receives as a file in the
demo's mail box (``$DEMO_DIR/kotak-surat``), instead of sending it anywhere: ``<time>-<recipient>.eml`` (open it in
a mail program) and the same as ``.txt`` (read it in any editor). ``make demo`` prints where the box is."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class MailBox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", ",".join(envelope.rcpt_tos))[:80]
        stem = self.folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 10**6:06d}-{recipient}"
        stem.with_suffix(".eml").write_bytes(envelope.original_content)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        stem.with_suffix(".txt").write_text(
            f"Kepada/To: {message['To']}\nPerihal/Subject: {message['Subject']}\n\n{text}", encoding="utf-8"
        )
        return "250 OK"


def main() -> None:
    folder = Path(os.environ.get("DEMO_DIR", ".local/demo")) / "kotak-surat"
    port = int(os.environ.get("MAILCATCHER_PORT", "1025"))
    controller = Controller(MailBox(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"mail catcher on 127.0.0.1:{port}, messages in {folder}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
