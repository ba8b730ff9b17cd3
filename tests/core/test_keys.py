"""Key fingerprints: a database never silently gets new keys (core/keys.py, core/checks.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from huiguang.core import crypto, keys
from huiguang.core.checks import check_keys, verify_keys
from huiguang.core.models import KeyFingerprint

SRC = Path(__file__).resolve().parents[2] / "src"
OTHER_KEY = crypto._b64(bytes([7]) * 32)


def _clear_key_caches():
    crypto.data_keys.cache_clear()
    crypto.blind_index_key.cache_clear()
    crypto.signing_key.cache_clear()


@pytest.fixture
def key_dir(tmp_path, settings, monkeypatch):
    """An empty key directory and no key variables; the process's own keys come back after."""
    for source in keys.SOURCES:
        monkeypatch.delenv(source.env, raising=False)
    settings.HUIGUANG_KEY_DIR = tmp_path / "keys"
    _clear_key_caches()
    yield settings.HUIGUANG_KEY_DIR
    _clear_key_caches()


def _recorded():
    return dict(KeyFingerprint.objects.values_list("purpose", "fingerprint"))


@pytest.mark.django_db
def test_fresh_database_generates_keys_and_records_their_fingerprints_not_the_keys(key_dir):
    assert verify_keys() == ["blind_index", "data:k1", "signing"]
    recorded = _recorded()
    assert set(recorded) == {"data:k1", "blind_index", "signing"}
    assert {p.name for p in key_dir.iterdir()} == {"data.keys", "blind_index.key", "signing.key"}
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in key_dir.iterdir())
    data_key = crypto.data_keys()[0][1]
    assert recorded["data:k1"] == keys.fingerprint("data:k1", data_key)
    assert len(recorded["data:k1"]) == 16
    assert crypto._b64(data_key) not in recorded["data:k1"] and data_key.hex()[:16] != recorded["data:k1"]
    assert verify_keys() == []  # the second start records nothing new


@pytest.mark.django_db
def test_crypto_records_the_key_it_generates(key_dir):
    crypto.blind_index("330482199503080123", context="t")
    assert set(_recorded()) == {"blind_index"}


@pytest.mark.django_db
def test_missing_key_file_refuses_naming_the_file_and_the_variable_and_generates_nothing(key_dir):
    verify_keys()
    (key_dir / "data.keys").unlink()
    _clear_key_caches()
    with pytest.raises(keys.KeyRefused) as refused:
        verify_keys()
    message = str(refused.value)
    assert f"data key k1, but {key_dir / 'data.keys'} is missing" in message
    assert "HUIGUANG_DATA_KEYS is not set" in message
    assert "huiguang restore" in message and "refusing to start" in message
    with pytest.raises(keys.KeyRefused, match="data.keys is missing"):
        crypto.encrypt("330482199503080123", context="t")
    assert not (key_dir / "data.keys").exists()


@pytest.mark.django_db
def test_a_wrong_key_is_refused_naming_the_mismatch(key_dir):
    verify_keys()
    recorded = _recorded()["blind_index"]
    (key_dir / "blind_index.key").write_text(OTHER_KEY)
    _clear_key_caches()
    with pytest.raises(keys.KeyRefused) as refused:
        verify_keys()
    assert str(refused.value).startswith(
        f"The blind-index key from {key_dir / 'blind_index.key'} does not match the key the database "
        f"recorded (fingerprint {keys.fingerprint('blind_index', bytes([7]) * 32)}, recorded {recorded})."
    )
    assert _recorded()["blind_index"] == recorded  # never overwritten


@pytest.mark.django_db
def test_a_wrong_key_in_the_variable_names_the_variable(key_dir, monkeypatch):
    verify_keys()
    monkeypatch.setenv("HUIGUANG_SIGNING_KEY", OTHER_KEY)
    _clear_key_caches()
    with pytest.raises(keys.KeyRefused, match="key from HUIGUANG_SIGNING_KEY does not match"):
        verify_keys()


@pytest.mark.django_db
def test_rotation_records_the_new_data_key_and_refuses_dropping_the_old_one(key_dir, monkeypatch):
    verify_keys()
    old = crypto.configured(keys.DATA)
    monkeypatch.setenv("HUIGUANG_DATA_KEYS", f"k2:{OTHER_KEY},{old}")
    _clear_key_caches()
    assert verify_keys() == ["data:k2"]
    monkeypatch.setenv("HUIGUANG_DATA_KEYS", f"k2:{OTHER_KEY}")
    with pytest.raises(keys.KeyRefused, match="data key k1, but HUIGUANG_DATA_KEYS does not contain it"):
        verify_keys()


@pytest.mark.django_db
def test_the_system_check_reports_each_refusal_as_an_error(key_dir):
    verify_keys()
    (key_dir / "signing.key").unlink()
    _clear_key_caches()
    errors = check_keys()
    assert [e.id for e in errors] == ["huiguang.E001"]
    assert "signing.key is missing and HUIGUANG_SIGNING_KEY is not set" in errors[0].msg


def test_fingerprints_are_domain_separated():
    material = bytes(32)
    assert keys.fingerprint("blind_index", material) != keys.fingerprint("signing", material)
    assert keys.fingerprint("data:k1", material) != keys.fingerprint("data:k2", material)


@pytest.mark.parametrize("url", ["", "sqlite:///{tmp}/other.sqlite3"])
def test_sqlite_from_database_url_gets_the_default_options(url, tmp_path):
    """DATABASE_URL=sqlite:///… keeps WAL, IMMEDIATE transactions and the lock timeout."""
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "huiguang.config.settings",
        "HUIGUANG_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": url.format(tmp=tmp_path),
    }
    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    db = json.loads(out.stdout)
    name = Path(db["NAME"])
    assert name == (tmp_path / "other.sqlite3" if url else tmp_path / "var" / "huiguang.sqlite3")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] == 20
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "foreign_keys=ON" in db["OPTIONS"]["init_command"]
    assert Path(db["TEST"]["NAME"]).parent == name.parent
    assert Path(db["TEST"]["NAME"]).name.startswith(f"test_{name.stem}_")


@pytest.mark.django_db
def test_a_key_can_come_from_a_file_named_by_NAME_FILE_and_a_missing_one_is_refused(key_dir, monkeypatch):
    secret = key_dir.parent / "etc-blind-index"
    secret.write_text(OTHER_KEY + "\n")
    monkeypatch.setenv("HUIGUANG_BLIND_INDEX_KEY_FILE", str(secret))
    assert crypto.blind_index_key() == bytes([7]) * 32
    assert not (key_dir / "blind_index.key").exists()
    verify_keys()
    assert _recorded()["blind_index"] == keys.fingerprint("blind_index", bytes([7]) * 32)
    monkeypatch.setenv("HUIGUANG_BLIND_INDEX_KEY_FILE", str(key_dir.parent / "nowhere"))
    _clear_key_caches()
    with pytest.raises(
        keys.KeyRefused, match="HUIGUANG_BLIND_INDEX_KEY_FILE names .*nowhere, which does not exist"
    ):
        verify_keys()
