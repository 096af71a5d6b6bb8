"""ChatDirectory: addresses replaced in place and listed by prefix; each posted card kept once."""

from __future__ import annotations

from datetime import date, timedelta

from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW, added, leave, seed


def test_an_address_is_saved_and_replaced(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.chat.address("slack", "employee:E1") is None
        uow.chat.save_address("slack", "employee:E1", "D1", NOW)
        uow.chat.save_address("teams", "employee:E1", '{"conversation": "a:1"}', NOW)
        uow.commit()
    with uow_factory() as uow:
        uow.chat.save_address("slack", "employee:E1", "D2", NOW + timedelta(minutes=1))
        uow.commit()
    with uow_factory() as uow:
        assert uow.chat.address("slack", "employee:E1") == "D2"
        assert uow.chat.address("teams", "employee:E1") == '{"conversation": "a:1"}'
        assert uow.chat.address("slack", "employee:E2") is None


def test_addresses_of_a_platform_by_prefix(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        for key, address in [("employee:E2", "D2"), ("channel:hr", "C1"), ("employee:E1", "D1"),
                             ("employee_x", "D9"), ("employee%", "D8")]:
            uow.chat.save_address("slack", key, address, NOW)
        uow.chat.save_address("teams", "employee:E3", "T3", NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.chat.addresses("slack", "employee:") == {"employee:E1": "D1", "employee:E2": "D2"}
        assert uow.chat.addresses("slack", "employee%") == {"employee%": "D8"}  # no wildcards in a prefix
        assert len(uow.chat.addresses("slack")) == 5
        assert uow.chat.addresses("teams") == {"employee:E3": "T3"}
        assert uow.chat.addresses("console") == {}


def test_cards_are_kept_once_oldest_first(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    request_id, other_id = added(uow_factory, leave("E1", date(2026, 12, 1)), leave("E2", date(2026, 12, 1)))
    with uow_factory() as uow:
        uow.chat.add_card("slack", request_id, "M1", "D1", "1700.1", NOW)
        uow.chat.add_card("slack", request_id, "E1", "D2", "1700.2", NOW)
        uow.chat.add_card("slack", request_id, "M1", "D1", "1700.1", NOW + timedelta(minutes=1))  # reported twice
        uow.chat.add_card("teams", request_id, "M1", "conv", "act-1", NOW)
        uow.chat.add_card("slack", other_id, "M1", "D1", "1700.3", NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.chat.cards("slack", request_id) == [("M1", "D1", "1700.1"), ("E1", "D2", "1700.2")]
        assert uow.chat.cards("teams", request_id) == [("M1", "conv", "act-1")]
        assert uow.chat.cards("teams", other_id) == []
