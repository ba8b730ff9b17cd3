"""The restore drill of docs/backup.md, for real: a small city is built, backed up and restored into
a new var directory with a new, empty database; there the ledger verifies, an ID number decrypts to
the same value and registering it again is refused. And the start-up check refuses missing or
wrong keys. Subprocesses (the `huiguang` commands an operator runs), on the suite's own database
engine like every other test: on SQLite in the SQLite run, on fresh PostgreSQL databases when
DATABASE_URL points to PostgreSQL (CI runs both).

One `migrate` into an empty database per module (a minute on a slow machine, O(models²) in
Django's migration state): the sites that need a migrated, never-started database get a copy of
it (the SQLite file, or a PostgreSQL database made from it as a template).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

pytestmark = pytest.mark.slow

SRC = Path(__file__).resolve().parents[2] / "src"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))
ENGINE = "postgresql" if ON_POSTGRES else "sqlite"
SQLITE_FILE = "huiguang.sqlite3"  # settings: VAR_DIR / "huiguang.sqlite3"

# The first volunteer: its ID number in full, and a registration with that number (refused).
PROBE = """
import json
from huiguang.volunteers.models import Volunteer
from huiguang.volunteers.services import Registration, RegistrationError, volunteer_register
v = Volunteer.objects.order_by("pk").first()
number = v.decrypt_id_number()
try:
    volunteer_register(data=Registration(
        phone="13800000999", password="Drill-pass-2026", real_name="演练", id_number=number,
        region_code=v.residence_region.code, consent=True))
    refused = {}
except RegistrationError as exc:
    refused = exc.errors
print(json.dumps({"volunteer_number": v.volunteer_number, "id_number": number, "refused": sorted(refused)}))
"""

FINGERPRINTS = (
    "import json; from huiguang.core.models import KeyFingerprint as K; "
    "print(json.dumps(dict(K.objects.values_list('purpose', 'fingerprint'))))"
)

TABLES = (
    "import json; from django.db import connection as c; print(json.dumps(c.introspection.table_names()))"
)


@dataclass
class Site:
    """One installation: a var directory and its database."""

    var: Path
    engine: str
    database_url: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUIGUANG_") and k != "DATABASE_URL"}
        env.update(
            PYTHONPATH=str(SRC),
            DJANGO_SETTINGS_MODULE="huiguang.config.settings",
            HUIGUANG_VAR_DIR=str(self.var),
        )
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return {**env, **self.extra}

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "django", *args], env=self.env(), capture_output=True, text=True
        )
        if ok:
            assert done.returncode == 0, f"{args[0]} failed:\n{done.stdout}\n{done.stderr}"
        return done

    def shell(self, code: str) -> dict:
        return json.loads(self.run("shell", "-c", code).stdout.strip().splitlines()[-1])

    @property
    def keys(self) -> Path:
        return self.var / "keys"


class Databases:
    """Fresh PostgreSQL databases with unique names, dropped at the end."""

    def __init__(self):
        self.created: list[str] = []

    def _admin(self):
        parts = urlsplit(DATABASE_URL)
        return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)

    def new(self, engine: str, role: str) -> str:
        """A DATABASE_URL for a new, empty database ("" on SQLite: the var directory's file)."""
        if engine == "sqlite":
            return ""
        name = f"hg_drill_{role}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{name}"))

    def copy(self, site: Site, var: Path, role: str, **extra: str) -> Site:
        """A new site whose database is a copy of `site`'s (which no process holds open)."""
        var.mkdir(parents=True)
        if site.engine == "sqlite":
            for suffix in ("", "-wal"):
                if (site.var / (SQLITE_FILE + suffix)).exists():
                    shutil.copy2(site.var / (SQLITE_FILE + suffix), var / (SQLITE_FILE + suffix))
            return Site(var, "sqlite", extra=extra)
        name = f"hg_drill_{role}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        template = urlsplit(site.database_url).path.lstrip("/")
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.created.append(name)
        return Site(var, "postgresql", urlunsplit(urlsplit(DATABASE_URL)._replace(path=f"/{name}")), extra)

    def drop_all(self):
        with self._admin() as conn:
            for name in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def databases():
    dbs = Databases()
    yield dbs
    if dbs.created:
        dbs.drop_all()


@pytest.fixture(scope="module")
def migrated(databases, tmp_path_factory) -> Site:
    """A new, empty database migrated by the operator's first command, never started since: no key
    exists yet (migrate skips the key check, there is no fingerprint table before it). Not used
    itself: the tests get copies (Databases.copy)."""
    site = Site(tmp_path_factory.mktemp("migrated") / "var", ENGINE, databases.new(ENGINE, "fresh"))
    site.run("migrate", "-v0")
    assert not site.keys.exists()
    return site


@pytest.fixture(scope="module")
def city(migrated, databases, tmp_path_factory) -> tuple[Site, dict]:
    """A seeded city (50 volunteers, the smallest seed_demo builds, with hours and a seal) and
    what the probe saw in it."""
    site = databases.copy(migrated, tmp_path_factory.mktemp("city") / "var", "source")
    site.run("seed_demo", "--volunteers", "50")
    site.run("check")
    before = site.shell(PROBE)
    assert before["refused"] == ["id_number"]
    return site, before


def test_restore_drill_into_a_new_var_directory_and_a_new_empty_database(city, databases, tmp_path):
    source, before = city
    backup = tmp_path / "backup"
    made = source.run("backup", str(backup)).stdout
    assert "database:" in made and f"{source.keys / 'data.keys'} copied" in made
    manifest = json.loads((backup / "manifest.json").read_text())
    assert set(manifest["keys"]["fingerprints"]) == {"data:k1", "blind_index", "signing"}
    assert manifest["keys"]["from_environment"] == []
    assert "0002_add_key_fingerprint" in manifest["migrations"]["core"]
    assert set(manifest["files"]) >= {manifest["database"], "keys/data.keys", "keys/signing.key"}

    target = Site(tmp_path / "new" / "var", source.engine, databases.new(source.engine, "target"))
    done = target.run("restore", str(backup))
    assert "hashes verified" in done.stdout
    assert "keys: they match the fingerprints the database records" in done.stdout

    assert target.run("verify_ledger").stdout.startswith("ledger OK:")
    after = target.shell(PROBE)
    assert after == before  # same number decrypts; the duplicate is refused: the blind index matches
    assert target.run("check").returncode == 0

    again = target.run("restore", str(backup), ok=False)
    assert again.returncode == 1 and "is not empty" in again.stderr


def test_restore_refuses_an_altered_backup_and_a_different_key(city, databases, tmp_path):
    source, _ = city
    backup = tmp_path / "backup"
    source.run("backup", str(backup))

    altered = tmp_path / "altered"
    shutil.copytree(backup, altered)
    with (altered / "keys" / "blind_index.key").open("a") as fh:
        fh.write("x")
    target = Site(tmp_path / "a" / "var", source.engine, databases.new(source.engine, "altered"))
    refused = target.run("restore", str(altered), ok=False)
    assert refused.returncode == 1 and "does not match its SHA-256 in the manifest" in refused.stderr

    target.keys.mkdir(parents=True)
    (target.keys / "data.keys").write_text("k1:" + "A" * 43)
    refused = target.run("restore", str(backup), ok=False)
    assert refused.returncode == 1 and "data.keys exists and differs from the backup's" in refused.stderr
    assert (target.keys / "data.keys").read_text() == "k1:" + "A" * 43
    assert target.shell(TABLES) == []  # nothing restored


def test_missing_or_wrong_keys_refuse_to_start(city, tmp_path):
    source, _ = city
    saved = tmp_path / "keys"
    shutil.copytree(source.keys, saved)
    try:
        shutil.rmtree(source.keys)
        refused = source.run("check", ok=False)
        assert refused.returncode != 0
        assert f"data key k1, but {source.keys / 'data.keys'} is missing" in refused.stderr
        assert "HUIGUANG_DATA_KEYS is not set" in refused.stderr
        # gunicorn's entry point refuses too, and nothing generated new keys
        wsgi = subprocess.run(
            [sys.executable, "-c", "import huiguang.config.wsgi"],
            env=source.env(),
            capture_output=True,
            text=True,
        )
        assert wsgi.returncode != 0 and "KeyRefused" in wsgi.stderr and "data.keys is missing" in wsgi.stderr
        assert not source.keys.exists()

        shutil.copytree(saved, source.keys)
        (source.keys / "blind_index.key").write_text("B" * 43)
        refused = source.run("check", ok=False)
        assert refused.returncode != 0
        assert (
            "blind-index key from" in refused.stderr
            and "does not match the key the database" in refused.stderr
        )
    finally:
        shutil.rmtree(source.keys, ignore_errors=True)
        shutil.copytree(saved, source.keys)
    assert source.run("check").returncode == 0


def test_a_fresh_empty_database_starts_and_records_its_fingerprints(migrated, databases, tmp_path):
    site = databases.copy(migrated, tmp_path / "var", "started")  # migrated, no key yet
    assert not site.keys.exists()
    site.run("check")
    recorded = site.shell(FINGERPRINTS)
    assert set(recorded) == {"data:k1", "blind_index", "signing"}
    assert {p.name for p in site.keys.iterdir()} == {"data.keys", "blind_index.key", "signing.key"}


def test_a_key_from_the_environment_is_named_in_the_backup_not_copied(migrated, databases, tmp_path):
    signing = {"HUIGUANG_SIGNING_KEY": "S" * 43}
    engine = migrated.engine
    site = databases.copy(migrated, tmp_path / "var", "env", **signing)
    site.run("check")
    made = site.run("backup", str(tmp_path / "backup")).stdout
    assert "HUIGUANG_SIGNING_KEY comes from the environment and is NOT in this backup" in made
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["keys"]["from_environment"] == ["HUIGUANG_SIGNING_KEY"]
    assert "keys/signing.key" not in manifest["files"] and "signing" in manifest["keys"]["fingerprints"]

    without = Site(tmp_path / "without" / "var", engine, databases.new(engine, "without"))
    refused = without.run("restore", str(tmp_path / "backup"), ok=False)
    assert refused.returncode == 1
    assert "HUIGUANG_SIGNING_KEY came from the environment and is not in the backup" in refused.stdout
    assert "signing.key is missing and HUIGUANG_SIGNING_KEY is not set" in refused.stdout

    with_it = Site(tmp_path / "with" / "var", engine, databases.new(engine, "with"), extra=signing)
    assert "keys: they match" in with_it.run("restore", str(tmp_path / "backup")).stdout
