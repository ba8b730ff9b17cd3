"""Settings helpers: every setting comes from the environment, with a development default.

`env_secret(NAME)` reads NAME, or the file named by NAME_FILE, or a file under var/secrets/
generated on first run (never committed), so a fresh clone runs with no configuration.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TRUE = {"1", "true", "yes", "on"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in TRUE


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_secret(name: str, var_dir: Path, *, generate: bool = True, nbytes: int = 48) -> str:
    """NAME, else the contents of NAME_FILE, else var/secrets/<name> (created on first use)."""
    value = os.environ.get(name)
    if value:
        return value
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    path = var_dir / "secrets" / name.lower()
    if path.exists():
        return path.read_text().strip()
    if not generate:
        raise RuntimeError(f"{name} is not set and {path} does not exist")
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    # Created with 0600: the secret never leaves this machine.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value
