"""Alembic environment. callsim runs its migrations itself (``Store.open``), on a connection it hands over
in ``config.attributes["connection"]``, already inside a write transaction that holds the schema lock.

This folder has no ``__init__.py`` on purpose: it is read by Alembic, never imported as a package.
To write a new migration: copy the newest file in versions/, bump the revision, set down_revision to the
previous one, add the revision to ``REVISIONS`` in ``callsim/core/store.py``, and update the tables there
to match. The tests check that a database migrated from scratch equals one created from the tables, and
that no migration drops a table or a column.
"""

from __future__ import annotations

from alembic import context

from callsim.core.store import VERSION_TABLE, metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,  # SQLite cannot ALTER most things in place; batch mode copies the table
    compare_server_default=True,
)
with context.begin_transaction():
    context.run_migrations()
