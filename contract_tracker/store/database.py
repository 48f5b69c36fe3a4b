"""The store: an engine from a URL, SQLite pragmas, migrations on open, short-lived sessions.

No other module builds an engine. A new store is created by running the Alembic migrations, and
an older store is upgraded when it is opened, so the schema always matches the code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, create_engine

from ..errors import StoreUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"


class RegisterSession(Session):
    """A session on the register. The store's listeners (version checks for stale edits, audit
    stamps, the mark that tells feeds the deadlines changed) are installed on this class only, by
    `install_listeners`, so no module changes other sessions' behaviour by being imported."""


def install_listeners() -> None:
    """Install the session listeners on RegisterSession (once; later calls do nothing)."""
    from . import audit_stamps, change_marker, concurrency

    for name, listener in (*concurrency.LISTENERS, *audit_stamps.LISTENERS, *change_marker.LISTENERS):
        if not event.contains(RegisterSession, name, listener):
            event.listen(RegisterSession, name, listener)


def register_session(engine: Engine, **options) -> RegisterSession:
    """A session with the listeners installed: use it (or Store.session) for every session."""
    install_listeners()
    return RegisterSession(engine, **options)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# The databases the tool is built and tested for, and the driver it ships for each.
SUPPORTED_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}


def build_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite the file's folder is created and pragmas are set."""
    try:
        parsed = make_url(url)
        backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise StoreUnavailable(f"not a database URL: {url!r}") from None
    if SUPPORTED_DRIVERS.get(backend) != driver:
        raise StoreUnavailable(f"unsupported store {describe_url(url)!r}: give a SQLite file (or sqlite:///PATH) "
                               "or postgresql://HOST/DATABASE")
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise StoreUnavailable("a store must be a file (or a PostgreSQL database); one in memory would be "
                                   "lost when the command ends")
        folder = Path(parsed.database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreUnavailable(f"cannot make the folder {str(folder)!r} for the store: "
                                   f"{error.strerror or error}") from None
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True, connect_args=_connect_args(parsed))
    except (NoSuchModuleError, ImportError):
        raise StoreUnavailable(f"unsupported database URL: {describe_url(url)!r}") from None


def _connect_args(parsed) -> dict:
    if parsed.get_backend_name() == "postgresql":
        return {"connect_timeout": 5}
    return {}


def _alembic_config(engine: Engine | None, connection=None):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    config = _alembic_config(None)
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


_REVISION = re.compile(r"""^revision\s*=\s*["']([^"']+)["']""", re.M)
_DOWN = re.compile(r"""^down_revision\s*=\s*(?:None|["']([^"']+)["'])\s*$""", re.M)


@lru_cache(maxsize=1)
def _head_from_files() -> str | None:
    """The head revision read straight from the migration files, or None when they are anything
    but one simple chain (then Alembic decides). Importing Alembic and loading its script
    directory costs about 0.5 s, which every command paid on opening an up-to-date store."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        revision = _REVISION.search(text)
        if revision is None:
            continue
        down = _DOWN.search(text)
        if down is None:
            return None  # a merge revision (a tuple) or an unusual layout
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revisions(engine: Engine) -> set[str] | None:
    """The revisions recorded in the store (None: no version table yet). Connection errors raise."""
    with engine.connect() as connection:
        try:
            return {row[0] for row in connection.exec_driver_sql("SELECT version_num FROM alembic_version")}
        except DBAPIError:
            return None


def upgrade(engine: Engine | None, revision: str = "head", *, connection=None) -> None:
    """Migrate to `revision`; with `connection`, inside that connection's open transaction."""
    from alembic import command

    command.upgrade(_alembic_config(engine, connection), revision)


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config(None)).walk_revisions()}


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


@dataclass
class Store:
    """An open register. Hand out sessions with `session()`; each is one unit of work."""

    engine: Engine
    url: str

    @classmethod
    def open(cls, url: str, *, upgrade_schema: bool = True) -> Store:
        """Open (creating or upgrading as needed) the store at `url`.

        Raises StoreUnavailable with a one-line reason when the database cannot be reached.
        """
        engine = build_engine(url)
        try:
            if upgrade_schema:
                head = _head_from_files()
                # Up to date (the usual case): no need to load Alembic at all.
                if ((head is None or _stored_revisions(engine) != {head})
                        and current_revision(engine) != head_revision()):
                    upgrade(engine)
                from ..services.stream_upkeep import rewrite_if_stale

                rewrite_if_stale(engine)  # rows written by earlier rules: rewritten before anyone reads them
            else:
                current_revision(engine)  # proves the connection works
        except DBAPIError as error:
            engine.dispose()
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            if reason == "database is locked":  # e.g. a first load into an empty store (services.bulk_load)
                reason += ": another process is writing it; try again when it has finished"
            raise StoreUnavailable(f"cannot open the store at {describe_url(url)}: {reason}") from None
        return cls(engine=engine, url=url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error.

        An UPDATE that matched no row because someone else changed the record first (the version
        columns guard every one) becomes a StaleEdit naming what they changed.
        """
        from .concurrency import read_versions, stale_after_race

        with register_session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except StaleDataError:
                read = read_versions(session)
                session.rollback()
                raise stale_after_race(register_session(self.engine), read) from None
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
