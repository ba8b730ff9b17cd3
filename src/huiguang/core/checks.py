"""The start-up key check: the configured keys are the ones the database's data depends on.

Run by config/wsgi.py and config/asgi.py before serving (`verify_keys`, raising KeyRefused), and
as a Django system check (`runserver`, `huiguang check`, `migrate` and every command that runs
checks). Skipped while the fingerprint table does not exist (a fresh database before `migrate`).
When everything matches, keys the database does not record yet are generated if need be and
recorded: a fresh database starts and records its fingerprints.
"""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError

from . import crypto, keys

LOADERS = {
    keys.DATA.name: crypto.data_keys,
    keys.BLIND_INDEX_SOURCE.name: crypto.blind_index_key,
    keys.SIGNING_SOURCE.name: crypto.signing_key,
}


def key_problems(recorded: dict[str, str]) -> list[str]:
    """What refuses the start: a recorded key that is not configured, or configured differently."""
    problems = []
    for source in keys.SOURCES:
        wanted = {p: fp for p, fp in recorded.items() if source.covers(p)}
        if not wanted:
            continue
        raw = crypto.configured(source)
        if raw is None:
            key_id = min(wanted).removeprefix(keys.DATA_PREFIX)
            problems.append(keys.missing_message(source, key_id))
            continue
        where = source.variable() or str(source.path)
        have = crypto.fingerprints(source, raw)
        for purpose, value in sorted(wanted.items()):
            key_id = purpose.removeprefix(keys.DATA_PREFIX) if source is keys.DATA else ""
            if purpose not in have:
                problems.append(
                    keys.refusal(
                        f"The database holds {source.holds} {source.label(key_id)}, "
                        f"but {where} does not contain it (it has {', '.join(sorted(have))}).",
                        f"Add {key_id} back to {where} after the current key (the first key "
                        "encrypts, every key decrypts)",
                        source,
                    )
                )
            elif have[purpose][1] != value:
                problems.append(
                    keys.refusal(
                        f"{source.label(key_id).capitalize()} from {where} does not match the key the "
                        f"database recorded (fingerprint {have[purpose][1]}, recorded {value}).",
                        "Restore the right keys from the backup (`huiguang restore`) or fix the "
                        f"{'file' if where == str(source.path) else 'variable'}",
                        source,
                    )
                )
    return problems


def verify_keys() -> list[str]:
    """Refuse (KeyRefused, every problem in its message) or load every key, generating what the
    database records nothing for, and record the fingerprints not recorded yet. Returns the
    purposes recorded by this call."""
    if not keys.table_exists():
        return []
    recorded = keys.recorded()
    problems = key_problems(recorded)
    if problems:
        raise keys.KeyRefused("\n".join(problems))
    for load in LOADERS.values():
        load()  # generates (and records) what the database records nothing for
    for source in keys.SOURCES:
        raw = crypto.configured(source)
        assert raw is not None  # loaded above: the variable is set or the file exists
        for purpose, (key_id, value) in crypto.fingerprints(source, raw).items():
            if purpose not in recorded:
                keys.record(purpose, value, key_id=key_id)
    return sorted(set(keys.recorded()) - set(recorded))


def check_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        verify_keys()
    except keys.KeyRefused as exc:
        return [checks.Error(message, id="huiguang.E001") for message in str(exc).split("\n")]
    except DatabaseError as exc:
        return [
            checks.Warning(
                f"Could not compare the keys with the database: {exc}".strip(),
                hint="The web server (config/wsgi.py) refuses to start until it can.",
                id="huiguang.W001",
            )
        ]
    return []
