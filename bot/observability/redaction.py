"""Keeping secrets out of logs and error reports.

Two nets: the configured secret values themselves (every :class:`~pydantic.SecretStr` setting, the
database password, the Google service account's private key), and anything shaped like a token
(:func:`core.domain.redaction.redact`: Slack tokens, ``Bearer`` credentials, JWTs, PEM private keys,
``response_url`` webhooks, feed and download tokens in paths), which catches a token that came from
elsewhere, such as a platform echoing a request in its error message. Storage applies the second
net to the error text and audit details it keeps.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy.engine import make_url

from bot.settings import Settings
from core.domain.redaction import REDACTED, redact

#: Shorter values are not secrets worth the name, and replacing them would garble every line.
SHORTEST_SECRET = 4


class Redactor:
    """Replaces known secrets and token-shaped strings with ``[redacted]``."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        known = {s for secret in secrets if len(secret) >= SHORTEST_SECRET for s in _spellings(secret)}
        # Longest first, so that a secret containing another is replaced whole.
        self._secrets = sorted(known, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return redact(text)

    def scrub(self, value: Any) -> Any:
        """``value`` with every string in it redacted, through dicts, lists and tuples (an error report)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {key: self.scrub(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.scrub(item) for item in value)
        return value


class RedactingFilter(logging.Filter):
    """Redacts a record's message (arguments merged in), exception text and stack before any format."""

    _exceptions = logging.Formatter()

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redact = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)  # arguments that do not fit the format: keep what there is
        record.msg, record.args = self._redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exceptions.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


def settings_secrets(settings: Settings) -> list[str]:
    """Every secret the settings hold or point to."""
    secrets = [
        value.get_secret_value()
        for name in type(settings).model_fields
        if isinstance(value := getattr(settings, name), SecretStr)
    ]
    password = make_url(settings.database_url).password
    if password:
        secrets.append(str(password))
    if settings.google_service_account_file is not None:
        secrets.extend(_service_account_keys(settings.google_service_account_file))
    return secrets


def _service_account_keys(path: Path) -> list[str]:
    try:
        account = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []  # the calendar sync reports an unreadable file; here there is simply nothing to hide
    if not isinstance(account, dict):
        return []
    keys = [str(account[key]) for key in ("private_key", "private_key_id") if account.get(key)]
    # Each line of the key too: a traceback or a wrapped message may show a piece of it.
    pieces = [line for key in keys for line in key.splitlines() if len(line) >= 16 and "-----" not in line]
    return keys + pieces


def _spellings(secret: str) -> set[str]:
    """The secret as is, and as it reads inside a repr or JSON (a PEM key's newlines escaped)."""
    return {secret, secret.replace("\n", "\\n"), json.dumps(secret)[1:-1]}
