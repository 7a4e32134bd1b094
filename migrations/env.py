"""Alembic environment: the project's tables only (Rasa's tracker store manages its own)."""

from alembic import context
from sqlalchemy import create_engine

from bot.storage.db import database_url
from bot.storage.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url") or database_url()
target_metadata = Base.metadata
PROJECT_TABLES = set(Base.metadata.tables)


def include_object(obj, name, type_, reflected, compare_to):
    return type_ != "table" or name in PROJECT_TABLES


if context.is_offline_mode():
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      include_object=include_object)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          include_object=include_object, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
