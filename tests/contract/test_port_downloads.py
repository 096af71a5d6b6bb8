"""Downloads, the doors' store of files handed out by link: a single-use file is taken once, a
reusable one served until it expires; expired files are purged; a batch is kept whole or not at all."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.ports.downloads import Download, Downloads
from tests.contract.builders import NOW, REFUSED

PNG = b"\x89PNG\r\n\x1a\n\x00\xff binary"


def kept(key: str, *, reusable: bool, hours: int = 24) -> Download:
    content = Download.binary(PNG) if reusable else "a,b\n1,2\n"
    return Download(key, f"{key}.bin", "image/png" if reusable else "text/csv", content, NOW,
                    NOW + timedelta(hours=hours), reusable=reusable)


def test_a_single_use_file_is_taken_once(download_store: Downloads) -> None:
    download_store.add(kept("b" * 64, reusable=False))
    found = download_store.take("b" * 64, NOW)
    assert found is not None and found.body == b"a,b\n1,2\n" and not found.reusable
    assert download_store.take("b" * 64, NOW) is None
    assert download_store.take("unknown", NOW) is None


def test_a_reusable_file_is_served_until_it_expires_then_purged(download_store: Downloads) -> None:
    download_store.add(kept("a" * 64, reusable=True), kept("c" * 64, reusable=False, hours=48))
    first, second = download_store.take("a" * 64, NOW), download_store.take("a" * 64, NOW + timedelta(hours=23))
    assert first is not None and second is not None
    assert first.body == second.body == PNG and first.reusable
    assert download_store.take("a" * 64, NOW + timedelta(hours=24)) is None
    assert download_store.purge(NOW + timedelta(hours=24)) == 1
    assert download_store.purge(NOW + timedelta(hours=24)) == 0
    assert download_store.take("c" * 64, NOW + timedelta(hours=24)) is not None


def test_a_batch_with_a_token_kept_already_keeps_nothing(download_store: Downloads) -> None:
    download_store.add(kept("a" * 64, reusable=False))
    with pytest.raises(REFUSED):
        download_store.add(kept("d" * 64, reusable=False), kept("a" * 64, reusable=True))
    assert download_store.take("d" * 64, NOW) is None
    assert download_store.take("a" * 64, NOW) is not None
