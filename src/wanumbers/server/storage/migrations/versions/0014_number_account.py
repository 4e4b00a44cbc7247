"""Each number carries its account (``phone_numbers.account_id``, copied from its WABA), with one
``(account_id, column, id)`` index per column the console's fleet sorts by, so an account's page is one
range scan of its own numbers (storage/repositories/fleet.py); and ``events (phone_number_id, id)`` for
one number's timeline, newest first.

On PostgreSQL, statistics on the expressions the fleet's walked filters are written as (``(quality ||
'')`` …, so that no index serves them): without them the planner takes each for a 0.5% match and two
together for a 0.0025% one, and reads the whole table and sorts it rather than walk the sort index
(quality RED + tier TIER_100K, 0.45% of 1M numbers: 160-370 ms instead of ~10 ms). SQLite keeps
the join and index order the statements ask for and needs none.

A WABA never changes account (``wabas.account_id`` is written once, at creation) and a number never
changes WABA (``waba_id`` is an identity column, never saved again), so the copy cannot go stale.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# (index name, columns): an account's pages walk these; E.164 is unique, so it needs no id.
ACCOUNT_INDEXES = (
    ("ix_phone_numbers_account_e164", ("account_id", "e164")),
    ("ix_phone_numbers_account_name", ("account_id", "verified_name", "id")),
    ("ix_phone_numbers_account_state", ("account_id", "state", "id")),
    ("ix_phone_numbers_account_name_status", ("account_id", "name_status", "id")),
    ("ix_phone_numbers_account_quality", ("account_id", "quality", "id")),
    ("ix_phone_numbers_account_tier", ("account_id", "tier", "id")),
    ("ix_phone_numbers_account_throughput", ("account_id", "throughput", "id")),
)
EVENTS_INDEX = "ix_events_phone_number_id_id"
FOREIGN_KEY = "fk_phone_numbers_account_id_accounts"
# (statistics name, column): exactly the expression storage/repositories/fleet.py ``_unindexed`` writes
WALKED = tuple(
    (f"st_phone_numbers_walked_{column}", column)
    for column in ("state", "name_status", "quality", "tier", "throughput")
)
BACKFILL = (
    "UPDATE phone_numbers SET account_id ="
    " (SELECT w.account_id FROM wabas w WHERE w.id = phone_numbers.waba_id)"
)


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers") as batch:
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
    op.execute(BACKFILL)
    with op.batch_alter_table("phone_numbers") as batch:
        batch.alter_column("account_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(FOREIGN_KEY, "accounts", ["account_id"], ["id"], ondelete="CASCADE")
        for name, columns in ACCOUNT_INDEXES:
            batch.create_index(name, list(columns), unique=False)
    with op.batch_alter_table("events") as batch:
        batch.create_index(EVENTS_INDEX, ["phone_number_id", "id"], unique=False)
    if op.get_context().dialect.name == "postgresql":
        for name, column in WALKED:
            op.execute(f"CREATE STATISTICS {name} ON ({column} || '') FROM phone_numbers")
        op.execute("ANALYZE phone_numbers")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for name, _ in reversed(WALKED):
            op.execute(f"DROP STATISTICS IF EXISTS {name}")
    with op.batch_alter_table("events") as batch:
        batch.drop_index(EVENTS_INDEX)
    with op.batch_alter_table("phone_numbers") as batch:
        for name, _ in reversed(ACCOUNT_INDEXES):
            batch.drop_index(name)
        batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
        batch.drop_column("account_id")
