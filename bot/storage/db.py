"""Database URL, engine, sessions and migrations.

``DATABASE_URL`` picks the database (PostgreSQL in production, e.g.
``postgresql+psycopg2://coach:...@db/coach``); the default is a SQLite file under ``var/``.
"""

from __future__ import annotations

import functools
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")

from sqlalchemy import create_engine, event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{REPO_ROOT / 'var' / 'coach.db'}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the Rasa server and the action server write the same file without blocking reads.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@functools.lru_cache(maxsize=8)
def get_engine(url: Optional[str] = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A transaction: committed on success, rolled back on error."""
    factory = sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
    with factory() as session:
        with session.begin():
            yield session


def alembic_config(url: Optional[str] = None):
    from alembic.config import Config

    config = Config(str(REPO_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", (url or database_url()).replace("%", "%%"))
    return config


@functools.lru_cache(maxsize=8)
def migrate(url: Optional[str] = None) -> None:
    """Bring the schema to the newest migration (idempotent; once per process and URL)."""
    from alembic import command

    url = url or database_url()
    get_engine(url)  # creates the SQLite folder
    command.upgrade(alembic_config(url), "head")
