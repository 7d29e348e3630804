"""Email: RFC 5322 messages, sent by SMTP when DREGS_SMTP_URL is set (smtp:// with STARTTLS when the server
offers it, smtps:// with TLS from the first byte), else, in the embedded default, written as
`$DREGS_DATA_DIR/mail/<timestamp>-<id>.eml` (readable by its owner only) and logged, so an operator
and a test can read what would have gone out."""

import asyncio
import logging
import os
import secrets
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib

from adapters.alerting.slack import CATEGORIES, facts, identity_link
from adapters.data_dir import FILE_MODE, private_folder
from application.alerting.ports import SendResult

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 15.0
SUBJECTS = {
    "IDENTITY_SCORED": "Identity scored",
    "IDENTITY_BADGES_CHANGED": "Identity badges changed",
    "ESCALATION_OPENED": "Escalation opened",
    "ESCALATION_CLOSED": "Escalation closed",
    "TEST": "Test notification",
}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:200]


class Mailer:
    def __init__(self, smtp_url: str | None, data_dir: Path, sender: str) -> None:
        self.smtp_url = smtp_url
        self.folder = data_dir / "mail"
        self.sender = sender

    def message(self, to: list[str], subject: str, text: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        message["Subject"] = _one_line(subject)
        message["Date"] = format_datetime(datetime.now(UTC))
        domain = self.sender.rsplit("@", 1)[-1].strip(">") or None
        message["Message-ID"] = make_msgid(domain=domain)
        message.set_content(text)
        return message

    def send(self, message: EmailMessage) -> SendResult:
        """From a worker thread. SMTP's answer codes are not HTTP's: a sent message is recorded as 250."""
        if self.smtp_url is None:
            return self._write(message)
        try:
            asyncio.run(self._smtp(message))
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            return SendResult(None, f"SMTP: {type(exc).__name__}: {exc}")
        return SendResult(250)

    async def _smtp(self, message: EmailMessage) -> None:
        assert self.smtp_url is not None
        parts = urlsplit(self.smtp_url)
        implicit_tls = parts.scheme == "smtps"
        await aiosmtplib.send(
            message,
            hostname=parts.hostname or "localhost",
            port=parts.port or (465 if implicit_tls else 587),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=implicit_tls,
            start_tls=False if implicit_tls else None,  # None: STARTTLS when the server offers it
            timeout=TIMEOUT_SECONDS,
        )

    def _write(self, message: EmailMessage) -> SendResult:
        private_folder(self.folder)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"{stamp}-{secrets.token_hex(6)}.eml"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(message.as_bytes())
        log.info("mail to %s (%s) written to %s (DREGS_SMTP_URL is not set)", message["To"], message["Subject"], path)
        return SendResult(250)


def delivery_text(event: str, data: dict[str, Any], public_url: str) -> tuple[str, str]:
    """(subject, plain text body) of a delivery."""
    f = facts(data)
    title = SUBJECTS.get(event, event)
    subject = f"[Dregs] {title}" + (f": {f['identity']}" if f["identity"] else "")
    if f["severity"]:
        subject += f" ({f['severity']})"
    lines = [f"Event: {event}"]
    if f["severity"]:
        lines.append(f"Severity: {f['severity']}")
    if f["rule"]:
        lines.append(f"Rule: {f['rule']}")
    if f["identity"]:
        lines.append(f"Identity: {f['identity']}")
    if f["message"]:
        lines.append(str(f["message"]))
    if f["scores"]:
        lines.append("")
        lines.append("Scores:")
        lines.extend(f"  {c.title()}: {f['scores'].get(c, '-')}" for c in CATEGORIES)
    for label, key in (("Badges", "badges"), ("Added", "added"), ("Removed", "removed")):
        if f[key]:
            lines.append(f"{label}: " + ", ".join(f[key]))
    if f["identity"]:
        lines.append("")
        lines.append(identity_link(public_url, f["identity"]))
    return subject, "\n".join(lines) + "\n"
