"""The web door: the dashboard in a browser, served by ``leavebot serve`` under ``/web/``.

People sign in with a one-time link that ``/leave web`` gives them in chat (no passwords); a page
then calls the core exactly as chat does (:func:`bot.server.call_core` on ``LeaveService.answer``,
``source="web"``), so the same role rules, refusals and audit apply. Every page is rendered on the
server (Jinja2, autoescaped) and works without JavaScript.

- :mod:`bot.web.app`: mounting (routes, static files, the security headers);
- :mod:`bot.web.session`: the signed-in person (:class:`~bot.web.session.Viewer`), sign-in and sign-out;
- :mod:`bot.web.forms`: reading a POSTed form, with its CSRF token checked;
- :mod:`bot.web.render`: pages, flashes after a redirect;
- one module per page (``me``, ``calendar``, ``approvals``, ``hr``...), each exposing ``routes``.
"""
