"""Every kind of column value goes through the export's JSON and comes back equal (and of the same type)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Boolean, Column, Date, Integer, LargeBinary, MetaData, Numeric, String, Table, Text

from storage.backup import BackupRefused, decode_value, encode_value
from storage.tables import UtcDateTime

SAMPLE = Table(
    "sample", MetaData(),
    Column("id", Integer, primary_key=True), Column("day", Date), Column("at", UtcDateTime()),
    Column("days", Numeric(7, 2)), Column("blob", LargeBinary), Column("flag", Boolean), Column("note", Text),
    Column("name", String(10)),
)


@pytest.mark.parametrize(("column", "value"), [
    ("id", 1042), ("day", date(2026, 12, 24)), ("at", datetime(2026, 11, 25, 4, 30, 0, 123456, tzinfo=UTC)),
    ("days", Decimal("-1.50")), ("days", Decimal("0.50")), ("blob", b"\x00\xffPNG\n"), ("flag", True),
    ("flag", False), ("note", "ünï\ncode \"quoted\""), ("name", None),
])
def test_a_value_comes_back_as_it_went(column: str, value: Any) -> None:
    back = decode_value(SAMPLE.c[column], json.loads(json.dumps(encode_value(value))))
    assert back == value and type(back) is type(value)
    if isinstance(value, Decimal):
        assert str(back) == str(value)  # the scale too: "0.50", not "0.5"


@pytest.mark.parametrize(("column", "text"), [("day", "24 Dec"), ("at", "noon"), ("days", "many"), ("blob", "!!")])
def test_a_value_that_does_not_fit_its_column_is_refused_by_name(column: str, text: str) -> None:
    with pytest.raises(BackupRefused, match=f"table sample, column {column}: "):
        decode_value(SAMPLE.c[column], text)
