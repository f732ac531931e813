"""Sending an email through the practice's SMTP server (settings smtp_*): the only way a link
that sets the password of an account that has signed in reaches anyone, its holder."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage

from easeback.settings import Settings

SECURITY = ("starttls", "tls", "none")


class MailError(Exception):
    """No email could be sent; the message says why in one line."""


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int
    sender: str
    security: str = "starttls"
    user: str | None = None
    password: str | None = None
    timeout: float = 20.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer | None:
        """None when no SMTP server is set."""
        if not settings.smtp_host:
            return None
        if settings.smtp_security not in SECURITY:
            raise MailError(
                f"EASEBACK_SMTP_SECURITY is {settings.smtp_security!r}; "
                f"use one of {', '.join(SECURITY)}"
            )
        return cls(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_from,
            settings.smtp_security,
            settings.smtp_user,
            settings.smtp_password,
        )

    def send(self, to: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, subject
        msg.set_content(body)
        try:
            if self.security == "tls":
                context = ssl.create_default_context()
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(
                f"cannot send email through {self.host}:{self.port}: {exc}".splitlines()[0]
            ) from None
