"""What the Teams door admits in Emulator mode (``TEAMS_EMULATOR=true`` and no ``MICROSOFT_APP_ID``).

Nothing authenticates an Emulator request, so the only proof of where it came from is the TCP
peer. That proof breaks behind a reverse proxy on the same host (Caddy, nginx): every request from
the internet then arrives from loopback, which is why a request that carries any proxy header is
refused too. What the bot sends is kept on this machine as well: an activity whose ``serviceUrl``
is not a loopback URL is refused, and the connector refuses to open such a URL when it sends.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

#: Headers that a proxy adds: a request carrying one came through a proxy, whatever its peer says.
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP", "Via")
#: The one host name taken to mean loopback (the Emulator's own serviceUrl uses it); any other name
#: is refused without being resolved.
LOCALHOST = "localhost"


class ForeignServiceUrl(ValueError):
    """The Emulator mode was about to reach a ``serviceUrl`` that is not on this machine."""


def request_refusal(remote: str | None, headers: Mapping[str, str]) -> str | None:
    """Why an Emulator request is refused before its body is read; None when it may come in."""
    if not is_loopback_address(remote):
        return "Teams runs in Emulator mode (no MICROSOFT_APP_ID): requests from this machine only"
    proxied = [name for name in PROXY_HEADERS if name in headers]
    if proxied:
        return f"Teams runs in Emulator mode: a request through a proxy ({proxied[0]}) is not from this machine"
    return None


def service_url_refusal(service_url: object) -> str | None:
    """Why an Emulator activity's ``serviceUrl`` is refused; None for a loopback URL."""
    if isinstance(service_url, str) and is_loopback_url(service_url):
        return None
    return "Teams runs in Emulator mode: the serviceUrl must be a loopback URL (http://localhost:PORT/)"


def check_service_url(service_url: str | None) -> None:
    """Refuse, at the moment of sending, to reach anything but this machine.

    Raises:
        ForeignServiceUrl: ``service_url`` is not a loopback URL.
    """
    if not (service_url and is_loopback_url(service_url)):
        raise ForeignServiceUrl(f"the Emulator mode sends to loopback URLs only, not {service_url!r}")


def is_loopback_url(url: str) -> bool:
    """True for an http(s) URL whose host is ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    try:
        parts = urlsplit(url.strip())
        has_port = parts.port is None or parts.port > 0  # a malformed port raises ValueError
    except ValueError:
        return False
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host or not has_port:
        return False
    return host == LOCALHOST or is_loopback_address(host)


def is_loopback_address(address: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1, also as a dual-stack socket shows an IPv4 peer (``::ffff:127.0.0.1``)."""
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback
