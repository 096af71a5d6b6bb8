"""The HR digest and a department's who's-out by e-mail, sent once by two replicas over one database,
to a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
from collections.abc import Callable
from datetime import date

from bot.email.digest import EmailPoster
from core.ports import UnitOfWork
from core.service import LeaveService
from tests.integration.email.conftest import SmtpServer
from tests.unit.fakes import FixedClock


def test_two_replicas_send_the_hr_digest_and_the_whos_out_once(
        uow_factory: Callable[[], UnitOfWork], clock: FixedClock, service: LeaveService,
        smtp_server: SmtpServer) -> None:
    service.set_digest_channel("email", None, "hr@x.test, people-lead@x.test")
    service.set_digest_channel("email", "Engineering", "eng-leads@x.test")
    replicas = [service, LeaveService(uow_factory, clock, default_time_zone="Asia/Kolkata")]
    mailer = smtp_server.mailer()
    monday = date(2026, 11, 23)
    for replica in replicas:  # both lead for a moment: each runs the due jobs, then sends
        runs = replica.runs_for_date("hr-digest", monday) + replica.runs_for_date("whos-out", monday)
        for run in [r for r in runs if r.job == "hr-digest" or r.slot.key == "Engineering"]:
            replica.run_due(run, ["slack"])
    for replica in replicas:
        replica.deliver_posts({"email": EmailPoster(mailer)}, lambda seconds: None)

    subjects = sorted(str(m["Subject"]) for m in smtp_server.messages)
    assert len(subjects) == 2, subjects
    assert subjects[0].startswith("HR digest: week of") and subjects[1].startswith("Who's out in Engineering")
    digest = next(m for m in smtp_server.messages if str(m["Subject"]).startswith("HR digest"))
    assert digest["To"] == "hr@x.test, people-lead@x.test"
    parsed = email.message_from_string(digest.as_string())
    kinds = [part.get_content_type() for part in parsed.walk()]
    assert "text/plain" in kinds and "text/html" in kinds and "image/png" in kinds
    assert "multipart/related" in kinds
    html = next(p for p in parsed.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    image = next(p for p in parsed.walk() if p.get_content_type() == "image/png")
    assert b"cid:heatmap.png" in html and image["Content-ID"] == "<heatmap.png>"
    out = next(m for m in smtp_server.messages if str(m["Subject"]).startswith("Who's out"))
    assert out["To"] == "eng-leads@x.test"
