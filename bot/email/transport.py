"""Sending e-mail over SMTP: the settings read from ``SMTP_URL`` and the mailer the outbox calls.

The mailer is synchronous (the standard library's ``smtplib``) because it runs in the outbox's
worker thread, like the chat notifiers. It opens one connection per message: notices are few and
far between, and a fresh connection cannot be left half-broken by an earlier failure.

What a failure means for the outbox follows SMTP's own split: a 4xx answer or a broken
connection is temporary (:class:`~core.ports.RetryLater`), a 5xx answer or a refused login is
permanent (:class:`~core.ports.DeliveryFailed`). The password never appears in an error or a log
line: errors name the server and the answer, never the URL they came from.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from core.ports import DeliveryFailed, RetryLater

SECURITIES = ("starttls", "tls", "none")
DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: ``security`` is ``starttls`` (``smtp://``, port 587 by default),
    ``tls`` (``smtps://``, 465) or ``none`` (``smtp://`` to this machine without a login, or
    ``?security=none``). ``context`` lets tests trust a throwaway certificate."""

    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    security: str
    from_address: str
    context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)


def parse_smtp_url(url: str, from_address: str) -> SmtpSettings:
    """``smtp://user:pass@host:587`` (STARTTLS), ``smtps://user:pass@host`` (implicit TLS).

    Raises ValueError with one line that says what is wrong and never repeats the password.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise ValueError("is not a URL like smtp://user:password@host:587 (the port must be a number)") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError("must start with smtp:// (STARTTLS) or smtps:// (TLS)")
    if not parts.hostname:
        raise ValueError("names no host, e.g. smtp://user:password@mail.example.com:587")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if (username is None) != (password is None):
        raise ValueError("must give both a user name and a password, or neither")
    asked = parse_qs(parts.query).get("security", [""])[-1].lower()
    if asked and asked not in SECURITIES:
        raise ValueError(f"security={asked} is not one of {', '.join(SECURITIES)}")
    if parts.scheme == "smtps":
        security = "tls"
    elif asked:
        security = asked
    else:
        security = "none" if parts.hostname in LOCAL_HOSTS and username is None else "starttls"
    if security == "none" and username is not None and parts.hostname not in LOCAL_HOSTS:
        raise ValueError("would send the password unencrypted: drop security=none or use smtps://")
    sender = parseaddr(from_address)[1]
    if "@" not in sender:
        raise ValueError("EMAIL_FROM must be an e-mail address, e.g. LeaveBot <leave@example.com>")
    return SmtpSettings(host=parts.hostname, port=port or DEFAULT_PORTS[parts.scheme], username=username,
                        password=password, security=security, from_address=from_address.strip())


class NoEncryption(smtplib.SMTPException):
    """The server would not upgrade to TLS, and a password is not sent in the clear."""


class Mailer:
    """Hands messages to the SMTP server, one connection each."""

    def __init__(self, settings: SmtpSettings, timeout: float = 10.0) -> None:
        self.settings = settings
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        """Send ``message`` to its ``To``; raises RetryLater or DeliveryFailed as described above."""
        if not message["From"]:
            message["From"] = self.settings.from_address
        with self._session() as smtp:
            smtp.send_message(message)

    def check_login(self) -> str:
        """Connect, greet, secure and log in, for ``leavebot doctor``: one line saying so.

        Raises:
            DeliveryFailed: the login (or the server) refused; RetryLater: the server is out of reach.
        """
        with self._session():
            pass
        who = f"logged in as {self.settings.username}" if self.settings.username else "no login asked"
        return f"{self._where()} answers ({self.settings.security}, {who})"

    @contextmanager
    def _session(self) -> Iterator[smtplib.SMTP]:
        """A connection for one piece of work; what went wrong becomes RetryLater or DeliveryFailed."""
        try:
            with self._connect() as smtp:
                yield smtp
        except NoEncryption as error:
            raise DeliveryFailed(str(error)) from None
        except smtplib.SMTPRecipientsRefused as error:
            code, answer = next(iter(error.recipients.values()))
            raise _by_code(code, answer, "refused the recipient") from None
        except smtplib.SMTPAuthenticationError as error:
            who = f"refused the login of {self.settings.username}"
            raise _by_code(error.smtp_code, error.smtp_error, who) from None
        except smtplib.SMTPResponseException as error:
            raise _by_code(error.smtp_code, error.smtp_error, "refused the message") from None
        except (smtplib.SMTPException, OSError) as error:
            raise RetryLater(f"{self._where()} could not be reached: {type(error).__name__}: {error}") from None

    def _connect(self) -> smtplib.SMTP:
        """An open, greeted, secured and logged-in connection (closed again on any failure)."""
        s = self.settings
        context = s.context or ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if s.security == "starttls" and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif s.security == "starttls" and s.username is not None:
                raise NoEncryption(f"{self._where()} does not offer STARTTLS; the password would go unencrypted")
            if s.username is not None and s.password is not None:
                smtp.login(s.username, s.password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _where(self) -> str:
        return f"the mail server {self.settings.host}:{self.settings.port}"


def _by_code(code: int, answer: bytes | str, what: str) -> Exception:
    """SMTP's own split: 4xx is worth another try later, anything else (5xx) is not."""
    text = f"the mail server {what}: {code} {_answer(answer)}"
    return RetryLater(text) if 400 <= code < 500 else DeliveryFailed(text)


def _answer(answer: bytes | str) -> str:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    return " ".join(text.split())[:300]

