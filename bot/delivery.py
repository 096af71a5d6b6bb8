"""Delivering the outbox from a serving process: at once after each change, and every half minute.

One background thread does all deliveries, so a burst of changes becomes a few delivery rounds
instead of one thread each, and the doors' notifiers (synchronous, with timeouts) never run on
the event loop. The periodic round picks up retries whose back-off has passed, so nothing waits
for the next change to go out.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from bot.observability.context import current_request_id, request_context
from core.ports import Notifier
from core.service import LeaveService

log = logging.getLogger(__name__)

ROUND_SECONDS = 30.0


class OutboxDelivery:
    """Give it the service and the doors' notifiers; call :meth:`kick` after a change."""

    def __init__(self, service: LeaveService, notifiers: Sequence[Notifier] = (),
                 every: float = ROUND_SECONDS) -> None:
        self._service = service
        self._notifiers = list(notifiers)
        self._every = every
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, notifier: Notifier) -> None:
        self._notifiers.append(notifier)

    @property
    def notifiers(self) -> list[Notifier]:
        return list(self._notifiers)

    def kick(self) -> None:
        """Ask for a round now (called after a change commits; returns at once)."""
        self._wake.set()

    def start(self) -> None:
        if self._notifiers and self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="leavebot-outbox", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Finish the round in progress, then one last round for what the last changes wrote."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def deliver_now(self) -> None:
        """One round in the caller's thread (the terminal chat uses this before it exits).

        The round has a request id of its own; each event is delivered under the id of the request
        that wrote it, and the service's watcher logs each event's problems under that id.
        """
        if not self._notifiers:
            return
        with request_context(current_request_id()):
            self._service.deliver_notices(self._notifiers)

    def _loop(self) -> None:
        while True:
            self._wake.wait(timeout=self._every)
            self._wake.clear()
            try:
                self.deliver_now()
            except Exception:  # the database may be down for a moment; the next round retries
                log.exception("outbox delivery round failed")
            if self._stop.is_set():
                return
