"""``leavebot teams-package``: the zip Teams installs, with the configured app id and both icons."""

from __future__ import annotations

import json
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.settings import Settings
from bot.teams.package import TeamsPackageError, build_teams_package, default_manifest_dir, package_for, png_size

APP_ID = "6f1c2a0e-8d4b-4c1e-9a7f-0b2d3c4e5f60"
COMMANDS = {"apply", "balance", "list", "pending", "team", "help"}


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """A PNG's chunks, each checked against its CRC."""
    found, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position:position + 4])
        kind = data[position + 4:position + 8]
        body = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        found.append((kind, body))
        position += 12 + length
    return found


def test_the_package_has_the_app_id_and_both_icons(tmp_path: Path) -> None:
    out = build_teams_package(default_manifest_dir(), APP_ID, tmp_path / "dist" / "leavebot-teams.zip")
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
        color, outline = package.read("color.png"), package.read("outline.png")
    assert manifest["id"] == APP_ID
    (bot,) = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    assert {c["title"] for c in bot["commandLists"][0]["commands"]} == COMMANDS
    assert "${{" not in json.dumps(manifest)
    assert (png_size(color), png_size(outline)) == ((192, 192), (32, 32))
    for data in (color, outline):
        kinds = [kind for kind, _ in chunks(data)]
        assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds


def test_the_manifest_follows_a_current_schema() -> None:
    manifest = json.loads((default_manifest_dir() / "manifest.json").read_text())
    major, minor = (int(part) for part in manifest["manifestVersion"].split("."))
    assert (major, minor) >= (1, 16)
    assert f"v{manifest['manifestVersion']}/MicrosoftTeams.schema.json" in manifest["$schema"]
    for url in manifest["developer"].values():
        assert url == manifest["developer"]["name"] or url.startswith("https://")
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    for command in manifest["bots"][0]["commandLists"][0]["commands"]:
        assert len(command["title"]) <= 32 and len(command["description"]) <= 128
    assert manifest["validDomains"]


def test_the_outline_icon_is_white_on_transparent() -> None:
    data = (default_manifest_dir() / "outline.png").read_bytes()
    header = dict(chunks(data))[b"IHDR"]
    assert header[8:10] == bytes([8, 6])  # 8 bits, RGBA
    raw = zlib.decompress(b"".join(body for kind, body in chunks(data) if kind == b"IDAT"))
    stride = 32 * 4 + 1
    pixels = [raw[row * stride + 1 + 4 * x:row * stride + 5 + 4 * x] for row in range(32) for x in range(32)]
    assert all(raw[row * stride] == 0 for row in range(32))  # unfiltered rows, as written
    opaque = [p for p in pixels if p[3] > 0]
    assert opaque and len(opaque) < len(pixels) / 2
    assert all(p[:3] == b"\xff\xff\xff" for p in opaque)


def test_extra_domains_are_added(tmp_path: Path) -> None:
    out = build_teams_package(default_manifest_dir(), APP_ID, tmp_path / "p.zip", domains=["leave.example.com"])
    with zipfile.ZipFile(out) as package:
        assert "leave.example.com" in json.loads(package.read("manifest.json"))["validDomains"]


@pytest.mark.parametrize("app_id", ["", "not-a-guid", "${{MICROSOFT_APP_ID}}"])
def test_an_app_id_that_is_not_a_guid_is_refused(tmp_path: Path, app_id: str) -> None:
    with pytest.raises(TeamsPackageError, match="MICROSOFT_APP_ID"):
        build_teams_package(default_manifest_dir(), app_id, tmp_path / "p.zip")
    assert not (tmp_path / "p.zip").exists()


def test_a_wrong_icon_or_a_missing_manifest_is_refused(tmp_path: Path) -> None:
    manifests = tmp_path / "teams"
    shutil.copytree(default_manifest_dir(), manifests)
    shutil.copy(manifests / "outline.png", manifests / "color.png")
    with pytest.raises(TeamsPackageError, match="192x192"):
        build_teams_package(manifests, APP_ID, tmp_path / "p.zip")
    with pytest.raises(TeamsPackageError, match="no such file"):
        build_teams_package(tmp_path / "nowhere", APP_ID, tmp_path / "p.zip")


def test_the_command_needs_the_configured_app_id(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, microsoft_app_id=None)  # type: ignore[call-arg]
    with pytest.raises(TeamsPackageError, match="MICROSOFT_APP_ID: required"):
        package_for(settings, tmp_path / "p.zip")
    configured = Settings(_env_file=None, microsoft_app_id=APP_ID,  # type: ignore[call-arg]
                          microsoft_app_password=SecretStr("secret"))
    out = package_for(configured, tmp_path / "p.zip")
    with zipfile.ZipFile(out) as package:
        assert json.loads(package.read("manifest.json"))["id"] == APP_ID
