"""A throwaway database for a benchmark: SQLite under a temporary directory, or, with DATABASE_URL
set, a throwaway database on that server (like the test suite). Both are removed at the end."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def throwaway_database(**environ: str):
    """Sets up Django on a fresh database and yields its vendor; `environ`: settings read from the
    environment (set only when not set already), before django.setup()."""
    tmp = tempfile.mkdtemp(prefix="huiguang-bench-")
    # Everything the settings put under var/ (SQLite, keys, kept files) goes to the temp dir.
    os.environ["HUIGUANG_VAR_DIR"] = tmp
    for name, value in {"DJANGO_SETTINGS_MODULE": "huiguang.config.settings", **environ}.items():
        os.environ.setdefault(name, value)
    sys.path.insert(0, str(REPO / "src"))
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connection

        if connection.vendor != "sqlite":
            settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"huiguang_bench_{os.getpid()}"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            yield connection.vendor
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
