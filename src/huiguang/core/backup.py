"""Backups: the database, the keys and the media in one directory, with a manifest (docs/backup.md).

A database is worth nothing without its keys (ID numbers are encrypted, the blind index is an
HMAC), so a backup holds both, and `restore` puts both back or refuses before writing anything:
a non-empty target database (unless forced), a different key file already in place, a file whose
hash differs from the manifest. SQLite is copied with the sqlite3 backup API (a consistent
snapshot of a live database), PostgreSQL with `pg_dump -Fc` / `pg_restore`. Keys that come from
environment variables are not files: the manifest names the variables, the operator keeps them
with the other secrets.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from . import crypto, keys
from .checks import key_problems, verify_keys

FORMAT = "huiguang-backup/1"
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}

Say = Callable[[str], None]


class BackupError(Exception):
    """The backup or the restore refuses; nothing was written."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"cannot back up a {vendor} database (SQLite and PostgreSQL only)")
    return vendor


def _pg_env(using: str) -> tuple[dict[str, str], str]:
    db = settings.DATABASES[using]
    env = {**os.environ}
    for key in ("HOST", "PORT", "USER", "PASSWORD"):
        if db.get(key):
            env[f"PG{key}"] = str(db[key])
    return env, db["NAME"]


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")


def _applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _walk(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


# --- backup ------------------------------------------------------------------------------------


def backup_create(target: Path, *, say: Say) -> dict:
    """Write database, keys, media and manifest.json into `target` (absent or empty)."""
    using = DEFAULT_DB_ALIAS
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new directory")
    engine = _engine(using)
    problems = key_problems(keys.recorded(using))
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.chmod(0o700)  # the keys and the personal data are in here

    database = target / DATABASE_FILES[engine]
    if engine == "sqlite":
        connection = connections[using]
        connection.ensure_connection()
        copy = sqlite3.connect(database)
        try:
            # One step: the source holds a read snapshot for the whole copy, so it is consistent.
            connection.connection.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
    else:
        env, name = _pg_env(using)
        _run(["pg_dump", "--format=custom", "--file", str(database), name], env)
    say(f"database: {engine}, {database.name} ({database.stat().st_size} bytes)")

    key_files, from_environment = [], []
    for source in keys.SOURCES:
        variable = source.variable()
        if variable:
            from_environment.append(variable)
            say(
                f"keys: {variable} comes from the environment and is NOT in this backup: "
                "keep it with your secrets, a restore needs it"
            )
        elif source.path.exists():
            (target / "keys").mkdir(mode=0o700, exist_ok=True)
            copied = target / "keys" / source.file_name
            shutil.copyfile(source.path, copied)
            copied.chmod(0o600)
            key_files.append(f"keys/{source.file_name}")
            say(f"keys: {source.path} copied")
        else:
            say(f"keys: no {source.file_name} and no {source.env} (no such key yet)")
    for problem in problems:
        say(f"WARNING: {problem}")
    if not keys.recorded(using):
        say("WARNING: no key fingerprints recorded yet (`huiguang migrate`, then `huiguang check`)")

    media_root = Path(settings.MEDIA_ROOT)
    media = _walk(media_root) if media_root.is_dir() else []
    for path in media:
        copied = target / "media" / path.relative_to(media_root)
        copied.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, copied)
    say(f"media: {len(media)} file(s) from {media_root}")

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database": database.name,
        "migrations": _applied_migrations(using),
        "keys": {
            "fingerprints": keys.recorded(using),
            "files": key_files,
            "from_environment": from_environment,
        },
        "files": {str(p.relative_to(target)): sha256_file(p) for p in _walk(target)},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    say(f"manifest: {target / MANIFEST} ({len(manifest['files'])} files with their SHA-256)")
    say("This directory holds the keys next to the data: store it encrypted, with restricted access.")
    return manifest


# --- restore -----------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    """The manifest, after checking the SHA-256 of every file it lists (BackupError otherwise)."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source / MANIFEST} is missing: not a Huiguang backup")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source / MANIFEST}: unknown format {manifest.get('format')!r}")
    for name, expected in manifest["files"].items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"{path} is listed in the manifest but missing")
        if sha256_file(path) != expected:
            raise BackupError(f"{path} does not match its SHA-256 in the manifest: damaged or altered")
    return manifest


def _key_plan(source: Path, manifest: dict) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(key files to copy, notes) — or BackupError when a different key is already in place."""
    recorded = manifest["keys"]["fingerprints"]
    copies, notes = [], []
    for name in manifest["keys"]["files"]:
        key_source = next(s for s in keys.SOURCES if s.file_name == Path(name).name)
        backed_up = (source / name).read_text().strip()
        variable = key_source.variable()
        existing = crypto.configured(key_source)
        if variable and existing is not None:
            # the variable may hold more (a newer data key first), but every backed-up key
            if (
                not crypto.fingerprints(key_source, backed_up).items()
                <= crypto.fingerprints(key_source, existing).items()
            ):
                raise BackupError(
                    f"{variable} is set and differs from the backup's {name}: unset it to use "
                    "the backup's key, or restore into an environment where it holds the same key"
                )
            notes.append(f"keys: {variable} is set and holds the backup's key; {name} not copied")
            continue
        if existing is not None:
            if existing != backed_up:
                raise BackupError(
                    f"{key_source.path} exists and differs from the backup's {name}: refusing to "
                    "overwrite a key (restore into a new key directory, or move that file away "
                    "if you are sure nothing needs it)"
                )
            notes.append(f"keys: {key_source.path} already holds the backup's key")
            continue
        copies.append((source / name, key_source.path))
    for variable in manifest["keys"]["from_environment"]:
        key_source = next(s for s in keys.SOURCES if variable in (s.env, f"{s.env}_FILE"))
        wanted = {p: fp for p, fp in recorded.items() if key_source.covers(p)}
        value = crypto.configured(key_source) if key_source.variable() else None
        if not value:
            notes.append(
                f"keys: {variable} came from the environment and is not in the backup: set it "
                "(from your secrets) before starting; the start-up check refuses until then"
            )
            continue
        have = {p: fp for p, (_, fp) in crypto.fingerprints(key_source, value).items()}
        if any(have.get(p) != fp for p, fp in wanted.items()):
            raise BackupError(
                f"{key_source.variable()} is set but does not hold the key the backup's database recorded"
            )
        notes.append(f"keys: {key_source.variable()} is set and matches the backup's fingerprints")
    return copies, notes


def _media_plan(source: Path) -> list[tuple[Path, Path]]:
    media_root = Path(settings.MEDIA_ROOT)
    copies = []
    backed_up = source / "media"
    for path in _walk(backed_up) if backed_up.is_dir() else []:
        dest = media_root / path.relative_to(backed_up)
        if dest.exists():
            if sha256_file(dest) != sha256_file(path):
                raise BackupError(f"{dest} exists and differs from the backup's copy: refusing to overwrite")
            continue
        copies.append((path, dest))
    return copies


def _database_empty(using: str) -> bool:
    return not connections[using].introspection.table_names()


def _restore_database(source: Path, manifest: dict, *, force: bool, using: str) -> None:
    connection = connections[using]
    backup_file = source / manifest["database"]
    if manifest["engine"] == "sqlite":
        connection.close()
        target = Path(settings.DATABASES[using]["NAME"])
        if force:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        src, dest = sqlite3.connect(backup_file), sqlite3.connect(target)
        try:
            src.backup(dest)
        finally:
            src.close()
            dest.close()
        return
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connection.close()
    env, name = _pg_env(using)
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
        + ["--dbname", name, str(backup_file)],
        env,
    )


def restore(source: Path, *, say: Say, force: bool = False) -> None:
    """Check everything first (hashes, engine, empty target, key and media conflicts), then put
    the database, the keys and the media back, then compare the keys with the database."""
    using = DEFAULT_DB_ALIAS
    manifest = read_manifest(source)
    say(f"backup of {manifest['created_at']}: {len(manifest['files'])} files, hashes verified")
    engine = _engine(using)
    if manifest["engine"] != engine:
        raise BackupError(f"the backup holds a {manifest['engine']} database, this one is {engine}")
    if not _database_empty(using):
        if not force:
            raise BackupError(
                f"the target database ({settings.DATABASES[using]['NAME']}) is not empty: restore into "
                "a new, empty database, or pass --force to replace everything in it"
            )
        say("--force: the target database is not empty; its contents are replaced")
    key_copies, notes = _key_plan(source, manifest)
    media_copies = _media_plan(source)

    _restore_database(source, manifest, force=force, using=using)
    say(f"database: restored {manifest['database']} into {settings.DATABASES[using]['NAME']}")
    for backed_up, dest in key_copies:
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(backed_up, dest)
        dest.chmod(0o600)
        say(f"keys: {dest} restored")
    for note in notes:
        say(note)
    for backed_up, dest in media_copies:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(backed_up, dest)
    say(f"media: {len(media_copies)} file(s) restored into {settings.MEDIA_ROOT}")

    connections[using].close()
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    applied = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    unknown = sorted(applied - set(on_disk))
    if unknown:
        say(f"WARNING: the backup has {len(unknown)} migration(s) this code does not know: {unknown[:3]}")
    pending = len(set(on_disk) - applied)
    if pending:
        say(f"migrations: {pending} not applied in the backup: run `huiguang migrate`")
    crypto.data_keys.cache_clear()
    crypto.blind_index_key.cache_clear()
    crypto.signing_key.cache_clear()
    if not keys.table_exists(using):
        say("keys: not compared: this database has no fingerprint table yet (`huiguang migrate`)")
    else:
        try:
            verify_keys()
        except keys.KeyRefused as exc:
            say(f"NOT READY: {exc}")
            raise BackupError("restored, but the keys do not match the database yet (see above)")
        say("keys: they match the fingerprints the database records")
    say("next: `huiguang verify_ledger`, view one full ID number, try a duplicate registration")
