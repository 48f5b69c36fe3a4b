"""Which store and which user: a command-line flag beats the environment beats the default."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from .domain.limits import clean_text
from .paths import default_database_url

DB_ENV = "CONTRACT_TRACKER_DB"
USER_ENV = "CONTRACT_TRACKER_USER"
USER_NAME_LENGTH = 200  # the audit trail's actor column


@dataclass(frozen=True)
class Settings:
    database_url: str
    """SQLAlchemy URL of the store, e.g. sqlite:///register.sqlite or postgresql+psycopg://host/db."""
    user: str
    """The name written into the audit trail for changes made in this session."""


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "unknown"


def resolve(database: str | None = None, user: str | None = None) -> Settings:
    url = database or os.environ.get(DB_ENV) or default_database_url()
    # The name goes into every audit event: refused here, before anything is written with it.
    name = clean_text(user or os.environ.get(USER_ENV) or _os_user(), field="user name", max_length=USER_NAME_LENGTH)
    return Settings(database_url=normalise_url(url), user=name or _os_user())


def normalise_url(url: str) -> str:
    """Accept a bare file path for SQLite, and postgresql:// for the psycopg 3 driver."""
    if "://" not in url:
        return f"sqlite:///{url}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
