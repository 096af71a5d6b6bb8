"""LinkTokens and the link rules over them: a link is kept by its hash, works for its purpose only,
once, before it expires; a second use (the same unit of work or a later one) is refused, and expired
links are purged."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.directory.links import KEPT_AFTER_EXPIRY, check_link, issue_link, redeem_link
from core.domain.links import LinkPurpose, hash_token
from core.errors import LinkRefused
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, seed

LIFETIME = timedelta(minutes=15)


def _issue(uow_factory: UnitOfWorkFactory, purpose: LinkPurpose = LinkPurpose.SIGN_IN, subject: str = "") -> str:
    with uow_factory() as uow:
        raw = issue_link(uow, purpose, "E1", subject, NOW, LIFETIME)
        uow.commit()
    return raw


def test_only_the_hash_is_kept_and_it_reads_back_whole(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    raw = _issue(uow_factory, LinkPurpose.DECIDE, "request:42:approve")
    with uow_factory() as uow:
        assert uow.links.get(raw) is None
        token = uow.links.get(hash_token(raw))
    assert token is not None
    assert (token.purpose, token.employee_id, token.subject) == (LinkPurpose.DECIDE, "E1", "request:42:approve")
    assert (token.created_at, token.expires_at, token.used_at) == (NOW, NOW + LIFETIME, None)


def test_a_link_is_redeemed_once(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    raw = _issue(uow_factory)
    with uow_factory() as uow:
        assert check_link(uow, raw, LinkPurpose.SIGN_IN, NOW).used_at is None  # looking uses nothing
        assert redeem_link(uow, raw, LinkPurpose.SIGN_IN, NOW).employee_id == "E1"
        with pytest.raises(LinkRefused) as twice:
            redeem_link(uow, raw, LinkPurpose.SIGN_IN, NOW)
        assert twice.value.reason == "used"
        uow.commit()
    with uow_factory() as uow:
        with pytest.raises(LinkRefused, match="used already"):
            check_link(uow, raw, LinkPurpose.SIGN_IN, NOW)
        assert uow.links.use(hash_token(raw), NOW) is False


def test_a_link_not_committed_stays_unused(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    raw = _issue(uow_factory)
    with uow_factory() as uow:
        redeem_link(uow, raw, LinkPurpose.SIGN_IN, NOW)  # what it was for failed: nothing committed
    with uow_factory() as uow:
        assert redeem_link(uow, raw, LinkPurpose.SIGN_IN, NOW).used_at is None


@pytest.mark.parametrize(("presented", "purpose", "at", "reason"), [
    ("issued", LinkPurpose.SIGN_IN, NOW + LIFETIME, "expired"),
    ("issued", LinkPurpose.DECIDE, NOW, "unknown"),
    ("made-up", LinkPurpose.SIGN_IN, NOW, "unknown"),
    ("", LinkPurpose.SIGN_IN, NOW, "unknown"),
])
def test_a_wrong_late_or_unknown_link_is_refused_and_left_as_it_was(
        uow_factory: UnitOfWorkFactory, presented: str, purpose: LinkPurpose, at: object, reason: str) -> None:
    seed(uow_factory)
    raw = _issue(uow_factory)
    with uow_factory() as uow:
        with pytest.raises(LinkRefused) as refused:
            redeem_link(uow, raw if presented == "issued" else presented, purpose, at)  # type: ignore[arg-type]
        uow.commit()
    assert refused.value.reason == reason and refused.value.message
    with uow_factory() as uow:
        token = uow.links.get(hash_token(raw))
    assert token is not None and token.used_at is None


def test_a_link_long_expired_goes_when_the_next_is_issued(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    old = _issue(uow_factory)
    with uow_factory() as uow:
        issue_link(uow, LinkPurpose.SIGN_IN, "E1", "", NOW + KEPT_AFTER_EXPIRY, LIFETIME)
        uow.commit()
    with uow_factory() as uow:
        with pytest.raises(LinkRefused, match="expired"):  # a week after it expired: still known
            check_link(uow, old, LinkPurpose.SIGN_IN, NOW + KEPT_AFTER_EXPIRY)
        issue_link(uow, LinkPurpose.SIGN_IN, "E1", "", NOW + LIFETIME + KEPT_AFTER_EXPIRY + timedelta(seconds=1),
                   LIFETIME)
        uow.commit()
    with uow_factory() as uow:
        assert uow.links.get(hash_token(old)) is None


def test_expired_links_are_purged(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    old = _issue(uow_factory)
    with uow_factory() as uow:
        fresh = issue_link(uow, LinkPurpose.NOTIFY, "E1", "chat", NOW + timedelta(days=1), LIFETIME)
        uow.commit()
    with uow_factory() as uow:
        assert uow.links.purge(NOW + timedelta(days=1)) == 1
        uow.commit()
    with uow_factory() as uow:
        assert uow.links.get(hash_token(old)) is None
        assert uow.links.get(hash_token(fresh)) is not None
