"""Test settings: fast hashing, local memory email, isolated data directory."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "civicstat-test-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

DATA_DIR = Path(
    os.environ.get("CIVICSTAT_TEST_DATA_DIR", tempfile.mkdtemp(prefix="civicstat-test-"))
)
CIVICSTAT_WAREHOUSE_URL = f"duckdb://{DATA_DIR / 'warehouse.duckdb'}"
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "test.sqlite3"),
        "TEST": {"NAME": os.environ.get("CIVICSTAT_TEST_DB", str(DATA_DIR / "test-db.sqlite3"))},
    }
}
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
