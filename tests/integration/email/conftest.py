"""A real SMTP server on loopback (aiosmtpd) for the e-mail tests.

It keeps every message it accepts (parsed), can be told to answer the next messages with a
temporary (4xx) or permanent (5xx) refusal, and comes in two kinds: ``smtp_server`` takes mail
from anyone on loopback without TLS or login; ``smtp_login_server`` asks for STARTTLS (a
throwaway certificate made here) and then AUTH PLAIN or LOGIN with :data:`USER` / :data:`PASSWORD`.
"""

from __future__ import annotations

import datetime as dt
import email
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.email.transport import Mailer, SmtpSettings, parse_smtp_url

USER = "leavebot"
PASSWORD = "s3cret pass:word"
SENDER = "LeaveBot <leave@x.test>"


@dataclass
class SmtpServer:
    """What the server received, and what it should answer next."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    #: The messages it refused (as told by :meth:`refuse_next`), as they came.
    refused: list[EmailMessage] = field(default_factory=list)
    #: Answers for the next messages' DATA, first first (``"451 4.3.0 Try again later"``).
    refusals: list[str] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    client_context: ssl.SSLContext | None = None
    #: The throwaway certificate, for a client that trusts what ``SSL_CERT_FILE`` names.
    ca_file: Path | None = None

    def refuse_next(self, answer: str, times: int = 1) -> None:
        self.refusals.extend([answer] * times)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def settings(self, url: str | None = None) -> SmtpSettings:
        parsed = parse_smtp_url(url or f"smtp://127.0.0.1:{self.port}", SENDER)
        return replace(parsed, context=self.client_context) if self.client_context else parsed

    def mailer(self, url: str | None = None) -> Mailer:
        return Mailer(self.settings(url), timeout=5)

    # -- the aiosmtpd handler and authenticator ------------------------------------------------

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        if self.refusals:
            self.refused.append(message)
            return self.refusals.pop(0)
        self.messages.append(message)
        return "250 OK"

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((mechanism, login))
        return AuthResult(success=(login, password) == (USER, PASSWORD), handled=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _throwaway_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (and its key), valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "smtp.crt", directory / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _serve(server: SmtpServer, **options: Any) -> Iterator[SmtpServer]:
    controller = Controller(server, hostname="127.0.0.1", port=server.port, **options)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """Takes mail from anyone on loopback: no TLS, no login."""
    yield from _serve(SmtpServer(_free_port()))


@pytest.fixture
def smtp_login_server(tmp_path: Path) -> Iterator[SmtpServer]:
    """Asks for STARTTLS, then AUTH PLAIN or LOGIN as :data:`USER` with :data:`PASSWORD`."""
    cert, key = _throwaway_certificate(tmp_path)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server = SmtpServer(_free_port(), client_context=ssl.create_default_context(cafile=str(cert)), ca_file=cert)
    yield from _serve(server, tls_context=server_context, require_starttls=True, authenticator=server,
                      auth_required=True, auth_require_tls=True)
