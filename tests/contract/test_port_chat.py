"""Chat addresses: the digests' channels in the core's unit of work, the doors' addresses and cards in
their own store; one table under both, split by key, each side refusing the other's keys."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.ports import UnitOfWorkFactory
from core.ports.chat import ChatStore
from tests.contract.builders import NOW, added, leave, seed


def test_a_digest_channel_is_saved_with_the_unit_of_work_and_replaced(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.channels.address("slack", "digest:hr") is None
        uow.channels.save("slack", "digest:hr", "C1", NOW)
        uow.channels.save("slack", "digest:dept:Engineering", "C2", NOW)
        uow.channels.save("teams", "digest:hr", "channel:T1:hr", NOW)
        uow.commit()
    with uow_factory() as uow:
        uow.channels.save("slack", "digest:hr", "C9", NOW + timedelta(minutes=1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.channels.address("slack", "digest:hr") == "C9"
        assert uow.channels.all("slack") == {"digest:dept:Engineering": "C2", "digest:hr": "C9"}
        assert uow.channels.all("teams") == {"digest:hr": "channel:T1:hr"}
        assert uow.channels.all("console") == {}


def test_the_channels_and_the_doors_store_refuse_each_others_keys(
        uow_factory: UnitOfWorkFactory, chat_store: ChatStore) -> None:
    chat_store.save_address("slack", "employee:E1", "D1", NOW)
    with uow_factory() as uow:
        uow.channels.save("slack", "digest:hr", "C1", NOW)
        uow.commit()
    with uow_factory() as uow:
        with pytest.raises(ValueError):
            uow.channels.save("slack", "employee:E1", "C2", NOW)
        with pytest.raises(ValueError):
            uow.channels.address("slack", "employee:E1")
        assert uow.channels.all("slack") == {"digest:hr": "C1"}
    for key in ("digest:hr", "DIGEST:hr"):  # one key to MySQL, whatever the case
        with pytest.raises(ValueError):
            chat_store.save_address("slack", key, "D2", NOW)
        with pytest.raises(ValueError):
            chat_store.address("slack", key)
    with pytest.raises(ValueError):
        chat_store.addresses_of("slack", ["employee:E1", "digest:hr"])
    assert chat_store.addresses("slack") == {"employee:E1": "D1"}
    with uow_factory() as uow:
        assert uow.channels.address("slack", "digest:hr") == "C1"


def test_an_address_is_saved_at_once_and_replaced(chat_store: ChatStore) -> None:
    assert chat_store.address("slack", "employee:E1") is None
    chat_store.save_address("slack", "employee:E1", "D1", NOW)
    chat_store.save_address("teams", "employee:E1", '{"conversation": "a:1"}', NOW)
    chat_store.save_address("slack", "employee:E1", "D2", NOW + timedelta(minutes=1))
    assert chat_store.address("slack", "employee:E1") == "D2"
    assert chat_store.address("teams", "employee:E1") == '{"conversation": "a:1"}'
    assert chat_store.address("slack", "employee:E2") is None


def test_addresses_of_a_platform_by_prefix_and_by_key(chat_store: ChatStore) -> None:
    for key, address in [("employee:E2", "D2"), ("channel:hr", "C1"), ("employee:E1", "D1"),
                         ("employee_x", "D9"), ("employee%", "D8")]:
        chat_store.save_address("slack", key, address, NOW)
    chat_store.save_address("teams", "employee:E3", "T3", NOW)
    assert chat_store.addresses("slack", "employee:") == {"employee:E1": "D1", "employee:E2": "D2"}
    assert chat_store.addresses("slack", "employee%") == {"employee%": "D8"}  # no wildcards in a prefix
    assert len(chat_store.addresses("slack")) == 5
    assert chat_store.addresses("teams") == {"employee:E3": "T3"}
    assert chat_store.addresses("console") == {}
    assert chat_store.addresses_of("slack", ["employee:E2", "employee:E3", "channel:hr"]) == {
        "employee:E2": "D2", "channel:hr": "C1"}
    assert chat_store.addresses_of("teams", ["employee:E3"]) == {"employee:E3": "T3"}
    assert chat_store.addresses_of("teams", []) == {}


def test_cards_are_kept_once_oldest_first(uow_factory: UnitOfWorkFactory, chat_store: ChatStore) -> None:
    seed(uow_factory)
    request_id, other_id = added(uow_factory, leave("E1", date(2026, 12, 1)), leave("E2", date(2026, 12, 1)))
    chat_store.add_card("slack", request_id, "M1", "D1", "1700.1", NOW)
    chat_store.add_card("slack", request_id, "E1", "D2", "1700.2", NOW)
    chat_store.add_card("slack", request_id, "M1", "D1", "1700.1", NOW + timedelta(minutes=1))  # reported twice
    chat_store.add_card("teams", request_id, "M1", "conv", "act-1", NOW)
    chat_store.add_card("slack", other_id, "M1", "D1", "1700.3", NOW)
    assert chat_store.cards("slack", request_id) == [("M1", "D1", "1700.1"), ("E1", "D2", "1700.2")]
    assert chat_store.cards("teams", request_id) == [("M1", "conv", "act-1")]
    assert chat_store.cards("teams", other_id) == []
