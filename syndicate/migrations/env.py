"""Alembic environment: runs on the connection the store hands it (see store.migrate)."""

from alembic import context
from sqlalchemy import create_engine

from syndicate.model import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # the alembic CLI: `alembic -x url=... upgrade head`
        url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///var/syndicate.db")
        with create_engine(url).begin() as conn:
            context.configure(
                connection=conn, target_metadata=target_metadata, render_as_batch=True
            )
            with context.begin_transaction():
                context.run_migrations()
        return
    # render_as_batch: SQLite can only ALTER by copying tables.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
