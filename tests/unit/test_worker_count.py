"""How many workers ``leavebot serve`` starts: ``--workers``, else ``WORKERS``, else one per usable
CPU (a cgroup CPU quota counts); one, with the reason said, where several cannot work."""

from __future__ import annotations

from pathlib import Path

import prometheus_client
import pytest

from bot.cli.main import build_parser
from bot.settings import SettingsError, load_settings
from bot.workers import available_cpus, cpu_quota, shared_metrics, worker_count

FILE_DB = "sqlite:///leavebot.db"


def test_the_command_line_wins_over_the_setting_which_wins_over_the_cpus() -> None:
    settings = load_settings(database_url=FILE_DB, workers=3)
    assert worker_count(settings, 5) == (5, None)
    assert worker_count(settings, None) == (3, None)
    assert worker_count(load_settings(database_url=FILE_DB), None) == (available_cpus(), None)


def test_socket_mode_and_an_in_memory_database_get_one_worker_and_say_why() -> None:
    socket_mode = load_settings(database_url=FILE_DB, slack_bot_token="xoxb-1", slack_app_token="xapp-1")
    count, notice = worker_count(socket_mode, 4)
    assert count == 1 and notice is not None and "not 4: Slack Socket Mode" in notice
    count, notice = worker_count(load_settings(database_url="sqlite://"), 4)
    assert count == 1 and notice is not None and "in-memory SQLite" in notice
    assert worker_count(socket_mode, 1) == (1, None)  # nothing to explain when one was asked for


@pytest.mark.parametrize(("cpu_max", "quota"), [
    ("max 100000\n", None),
    ("150000 100000\n", 2),
    ("50000 100000\n", 1),
    ("400000 100000\n", 4),
])
def test_a_cgroup_quota_counts_in_whole_cpus_rounded_up(tmp_path: Path, cpu_max: str, quota: int | None) -> None:
    path = tmp_path / "cpu.max"
    path.write_text(cpu_max)
    assert cpu_quota(path) == quota


def test_without_a_quota_every_cpu_of_the_affinity_counts(tmp_path: Path) -> None:
    limited = tmp_path / "cpu.max"
    limited.write_text("100000 100000\n")
    assert cpu_quota(tmp_path / "missing") is None
    assert available_cpus(limited) == 1
    assert available_cpus(tmp_path / "missing") >= 1


def test_no_workers_is_refused_by_the_setting_and_by_the_command() -> None:
    with pytest.raises(SettingsError, match=r"^WORKERS: "):
        load_settings(database_url=FILE_DB, workers=0)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--workers", "0"])
    assert build_parser().parse_args(["serve", "--workers", "2"]).workers == 2


def test_the_metrics_directory_must_be_set_before_the_metrics_library_is_loaded() -> None:
    assert prometheus_client.REGISTRY is not None  # loaded, as in this process
    with pytest.raises(RuntimeError, match="PROMETHEUS_MULTIPROC_DIR"), shared_metrics():
        pass
