"""The Teams app package: the zip that an admin uploads (or a user side-loads) to install LeaveBot.

``manifests/teams/manifest.json`` names the app with the placeholder ``${{MICROSOFT_APP_ID}}``;
the package gets the configured app id instead, so the same manifest serves every deployment.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.settings import Settings

PLACEHOLDER = "${{MICROSOFT_APP_ID}}"
MANIFEST = "manifest.json"
#: What Teams requires of the two icons: a full-colour one and a white-on-transparent outline.
ICON_SIZES = {"color": (192, 192), "outline": (32, 32)}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_LEFT_PLACEHOLDER = re.compile(r"\$\{\{[A-Za-z0-9_]+\}\}")


DEFAULT_OUT = Path("leavebot-teams.zip")


class TeamsPackageError(ValueError):
    """The package cannot be built; the message is one line saying what to fix."""


def package_for(settings: Settings, out: Path | None = None, manifest_dir: Path | None = None,
                domains: Sequence[str] = ()) -> Path:
    """``leavebot teams-package``: the zip for the configured app (``MICROSOFT_APP_ID``).

    Raises:
        TeamsPackageError: no app id configured, or what :func:`build_teams_package` refuses.
    """
    if not settings.microsoft_app_id:
        raise TeamsPackageError(
            "MICROSOFT_APP_ID: required to build the Teams app package (the Microsoft App ID of the Azure Bot)"
        )
    return build_teams_package(manifest_dir or default_manifest_dir(), settings.microsoft_app_id,
                               out or DEFAULT_OUT, domains)


def default_manifest_dir() -> Path:
    """``manifests/teams`` of the source tree, else of the working directory."""
    beside_code = Path(__file__).resolve().parents[2] / "manifests" / "teams"
    return beside_code if beside_code.is_dir() else Path.cwd() / "manifests" / "teams"


def build_teams_package(manifest_dir: Path, app_id: str, out: Path, domains: Sequence[str] = ()) -> Path:
    """Write the app zip (manifest.json with ``app_id``, color.png, outline.png) to ``out``.

    Args:
        manifest_dir: the folder holding manifest.json and the two icons it names.
        app_id: the bot's Microsoft App ID (MICROSOFT_APP_ID), a GUID.
        out: where the zip goes; its folder is created when missing.
        domains: extra host names for ``validDomains`` (the bot's public host, for instance).

    Raises:
        TeamsPackageError: a bad app id, a missing or malformed manifest, a wrong icon.
    """
    if not _GUID.fullmatch(app_id.strip()):
        raise TeamsPackageError(f"MICROSOFT_APP_ID: expected the bot's app id (a GUID), got {app_id!r}")
    manifest = _manifest(manifest_dir, app_id.strip())
    for host in domains:
        if host and host not in manifest.setdefault("validDomains", []):
            manifest["validDomains"].append(host)
    icons = {kind: _icon(manifest_dir, manifest, kind) for kind in ICON_SIZES}
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for name, data in icons.values():
            package.writestr(name, data)
    return out


def _manifest(manifest_dir: Path, app_id: str) -> dict[str, Any]:
    path = manifest_dir / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TeamsPackageError(f"{path}: no such file") from None
    text = text.replace(PLACEHOLDER, app_id)
    left = _LEFT_PLACEHOLDER.search(text)
    if left:
        raise TeamsPackageError(f"{path}: {left.group()} is not a placeholder this command fills in")
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as error:
        raise TeamsPackageError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
    if not isinstance(manifest, dict) or manifest.get("id") != app_id:
        raise TeamsPackageError(f"{path}: 'id' must be {PLACEHOLDER}")
    return manifest


def _icon(manifest_dir: Path, manifest: dict[str, Any], kind: str) -> tuple[str, bytes]:
    name = str((manifest.get("icons") or {}).get(kind) or "")
    if not name or "/" in name or "\\" in name:
        raise TeamsPackageError(f"manifest.json: icons.{kind} must name a PNG file beside the manifest")
    path = manifest_dir / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TeamsPackageError(f"{path}: no such file (icons.{kind})") from None
    size = png_size(data)
    if size != ICON_SIZES[kind]:
        width, height = ICON_SIZES[kind]
        raise TeamsPackageError(f"{path}: the {kind} icon must be a {width}x{height} PNG, found {size}")
    return name, data


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG's header; None for anything that is not a PNG."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)
