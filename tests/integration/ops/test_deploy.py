"""The deployment files, checked as far as a machine without a container engine can.

The Dockerfile's final stage runs unprivileged, checks /health and starts through the entrypoint,
which is itself run here (outside a container) against SQLite: it migrates, serves /health and
stops on SIGTERM. The compose file, the proxy configuration and the Kubernetes manifest are read
for what they promise: MySQL 8, two replicas, the proxy pointing at both on the bot's port.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from storage.engine import make_engine
from storage.migrate import current_revision, head_revision

REPO = Path(__file__).resolve().parents[3]
BOT_PORT = "3978"


def final_stage(dockerfile: str) -> list[str]:
    """The instructions of the last stage, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    starts = [i for i, line in enumerate(lines) if line.upper().startswith("FROM ")]
    assert len(starts) >= 2, "a multi-stage build"
    return lines[starts[-1]:]


def instruction(stage: list[str], name: str) -> list[str]:
    return [line[len(name):].strip() for line in stage if line.upper().startswith(name + " ")]


def test_the_final_stage_is_slim_unprivileged_health_checked_and_starts_through_the_entrypoint() -> None:
    stage = final_stage((REPO / "Dockerfile").read_text())
    assert stage[0].startswith("FROM python:3.12-slim")
    assert instruction(stage, "COPY")[0].startswith("--from=builder /opt/leavebot")
    users = instruction(stage, "USER")
    assert users and users[-1].split(":")[0] not in ("root", "0")
    (check,) = instruction(stage, "HEALTHCHECK")
    assert "urllib.request" in check and "/health" in check and "curl" not in check
    assert instruction(stage, "EXPOSE") == [BOT_PORT]
    (entrypoint,) = instruction(stage, "ENTRYPOINT")
    assert "leavebot-entrypoint" in entrypoint
    assert any("deploy/entrypoint.sh /usr/local/bin/leavebot-entrypoint" in c for c in instruction(stage, "COPY"))
    script = (REPO / "deploy" / "entrypoint.sh").read_text()
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert commands.index("leavebot db upgrade") < commands.index('exec leavebot serve "$@"')


def test_the_build_context_leaves_secrets_and_local_databases_out() -> None:
    ignored = (REPO / ".dockerignore").read_text().splitlines()
    assert {".env", "*.db", ".venv", ".git"} <= set(ignored)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def health(port: int) -> int | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return None


def test_the_entrypoint_migrates_serves_health_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_", "MS_GRAPH_", "GOOGLE_"))}
    # `leavebot` is found on PATH as in the image, here from this interpreter's environment.
    env.update(PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]), DATABASE_URL=url,
               HOST="127.0.0.1", PORT=str(port), ENABLE_SCHEDULED_JOBS="false",
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    process = subprocess.Popen(["sh", str(REPO / "deploy" / "entrypoint.sh")], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while health(port) != 200:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no 200 from /health"
            time.sleep(0.2)
        engine = make_engine(url)
        try:
            assert current_revision(engine) == head_revision()
        finally:
            engine.dispose()
        process.send_signal(signal.SIGTERM)  # reaches leavebot itself: the script exec'd it
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert "upgraded from revision (empty)" in out and "Traceback" not in err


def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    return document


def bot_services(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in document["services"].items() if s.get("build") == "."}


def test_compose_has_mysql_8_with_a_health_check_and_a_volume() -> None:
    db = compose()["services"]["db"]
    assert db["image"].startswith("mysql:8")
    assert "mysqladmin ping" in " ".join(db["healthcheck"]["test"])
    assert any(volume.endswith(":/var/lib/mysql") for volume in db["volumes"])


def test_compose_runs_two_bot_replicas_on_the_database_once_it_is_healthy() -> None:
    bots = bot_services(compose())
    assert len(bots) >= 2
    for bot in bots.values():
        assert bot["depends_on"]["db"]["condition"] == "service_healthy"
        assert bot["env_file"] == ".env"
        assert "@db:3306/" in bot["environment"]["DATABASE_URL"]
        assert bot["environment"]["PORT"] == BOT_PORT


def test_the_proxy_balances_over_every_replica_on_the_bots_port_and_checks_their_health() -> None:
    document = compose()
    proxy = document["services"]["proxy"]
    assert proxy["image"].startswith("caddy")
    mounted = {volume.split(":")[0] for volume in proxy["volumes"]}
    assert "./deploy/Caddyfile" in mounted
    caddyfile = (REPO / "deploy" / "Caddyfile").read_text()
    (upstreams,) = re.findall(r"reverse_proxy\s+([^{]+)\{", caddyfile)
    assert set(upstreams.split()) == {f"{name}:{BOT_PORT}" for name in bot_services(document)}
    assert re.search(r"^\s*health_uri /health$", caddyfile, re.MULTILINE)


def test_the_kubernetes_manifest_runs_replicas_with_probes_after_a_migration_job() -> None:
    documents = list(yaml.safe_load_all((REPO / "deploy" / "kubernetes" / "leavebot.yaml").read_text()))
    kinds = {d["kind"]: d for d in documents}
    deployment = kinds["Deployment"]
    assert deployment["spec"]["replicas"] >= 2
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert container["ports"][0]["containerPort"] == int(BOT_PORT)
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > 25
    (migrate,) = kinds["Job"]["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["leavebot", "db", "upgrade"]


def docker_compose_available() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not docker_compose_available(), reason="no `docker compose` on this machine")
def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    # The example settings stand in for the .env that the file reads (kept out of the repository).
    (tmp_path / ".env").write_text((REPO / "deploy" / "env.example").read_text())
    result = subprocess.run(["docker", "compose", "--project-directory", str(tmp_path), "-f",
                             str(REPO / "docker-compose.yml"), "config", "--quiet"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
