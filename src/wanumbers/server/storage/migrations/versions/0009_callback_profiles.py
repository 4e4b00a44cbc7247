"""Kaleyra callback profiles: where, how and what an account's numbers send when an event happens.

Revision ID: 0009
Revises: 0008 (chained after 0008 events when both land)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_profiles",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("http_method", sa.String(length=8), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("response_message", sa.Text(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_callback_profiles_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_profiles")),
    )
    with op.batch_alter_table("callback_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_callback_profiles_account_id_created_at"),
            ["account_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("callback_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_callback_profiles_account_id_created_at"))
    op.drop_table("callback_profiles")
