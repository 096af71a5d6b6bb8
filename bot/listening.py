"""A port already taken, said in one line.

``leavebot serve`` and ``leavebot demo`` bind their port before anything else starts; when another
process (often an earlier demo still running) holds it, the person who started us needs the port
and the setting that moves it, not the operating system's traceback.
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator


class PortInUse(Exception):
    """Another process listens on the port; ``setting`` names the variable that chooses another."""

    def __init__(self, port: int, setting: str = "PORT") -> None:
        super().__init__(f"port {port} is in use; set {setting}")
        self.port = port
        self.setting = setting


@contextlib.contextmanager
def claiming(port: int, setting: str = "PORT") -> Iterator[None]:
    """Around binding ``port``: the operating system's "address already in use" becomes :class:`PortInUse`."""
    try:
        yield
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        raise PortInUse(port, setting) from None
