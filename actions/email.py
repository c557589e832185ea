"""E-mail through SMTP, for people without a chat channel: a Sender like the chat channels."""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from bot.channels import numbered
from bot.conversation.messages import Reply
from bot.conversation.texts import Texts
from bot.ports import Undeliverable
from bot.settings import Settings

logger = logging.getLogger(__name__)


class SmtpSender:
    """Sends replies as one plain-text e-mail; choices become a numbered list (answer in the chat)."""

    name = "email"
    channel = "email"

    def __init__(
        self,
        host: str,
        port: int,
        from_address: str,
        texts: Texts,
        *,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        timeout: float = 20.0,
    ) -> None:
        self.host = host
        self.port = port
        self.from_address = from_address
        self.texts = texts
        self.user = user
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings, texts: Texts) -> SmtpSender | None:
        """The sender when MELDBOT_SMTP_HOST is set, else None."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return cls(settings.smtp_host, settings.smtp_port, settings.smtp_from, texts, user=settings.smtp_user,
                   password=password, starttls=settings.smtp_starttls)

    def message(self, to: str, replies: Sequence[Reply]) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.from_address
        msg["To"] = to
        msg["Subject"] = self.texts("email_subject")
        msg["Message-ID"] = make_msgid(domain=self.from_address.rpartition("@")[2] or None)
        body = "\n\n".join(numbered(r) for r in replies)
        msg.set_content(f"{body}\n\n-- \n{self.texts('email_footer')}\n")
        return msg

    async def send(self, address: dict[str, Any], replies: Sequence[Reply]) -> None:
        to = address.get("email")
        if not to:
            raise Undeliverable("no e-mail address")
        await asyncio.to_thread(self._send, self.message(str(to), replies))

    def _send(self, msg: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user and self.password:
                    smtp.login(self.user, self.password)
                smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            raise Undeliverable("recipient refused") from exc
