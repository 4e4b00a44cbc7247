"""The console's fleet: one ``(column, id)`` index per column its pages sort or filter by, so each page
is one index range scan from the cursor on a store of millions of numbers (storage/repositories/fleet.py).

Revision ID: 0012
Revises: 0007
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0007"
branch_labels = None
depends_on = None

# (index name, column): the E.164 sort rides on its unique index.
FLEET_INDEXES = (
    ("ix_phone_numbers_fleet_name", "verified_name"),
    ("ix_phone_numbers_fleet_state", "state"),
    ("ix_phone_numbers_fleet_name_status", "name_status"),
    ("ix_phone_numbers_fleet_quality", "quality"),
    ("ix_phone_numbers_fleet_tier", "tier"),
    ("ix_phone_numbers_fleet_throughput", "throughput"),
)


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers") as batch:
        for name, column in FLEET_INDEXES:
            batch.create_index(name, [column, "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("phone_numbers") as batch:
        for name, _ in reversed(FLEET_INDEXES):
            batch.drop_index(name)
