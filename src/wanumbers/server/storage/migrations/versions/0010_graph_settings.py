"""Graph's per-number settings: the two-step PIN change and display-name request of
``POST /{phone-number-id}``, search visibility, the webhook override, the business username, the
data localization region ``register`` asked for, and the settings sections (calling, SIP servers,
user identity change, payload encryption, storage) that ``POST /{id}/settings`` writes.

Revision ID: 0010
Revises: 0009 (the lead re-chains it after 0009)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("new_verified_name", sa.String(length=75)),
    ("search_visibility", sa.String(length=8)),
    ("webhook_override_uri", sa.Text()),
    ("webhook_verify_token", sa.String(length=255)),
    ("username", sa.String(length=35)),
    ("data_localization_region", sa.String(length=2)),
    ("graph_settings", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers") as batch:
        batch.add_column(
            sa.Column("new_name_status", sa.String(length=32), nullable=False, server_default="NONE")
        )
        for name, kind in _COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("phone_numbers") as batch:
        for name, _ in reversed(_COLUMNS):
            batch.drop_column(name)
        batch.drop_column("new_name_status")
