"""Events (Meta's webhooks) in a transactional outbox: the changes, one delivery per target, and the
subscriptions that choose the targets (an app per account, its subscription, the WABAs' subscribed apps).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("waba_id", sa.BigInteger(), nullable=False),
        sa.Column("phone_number_id", sa.BigInteger(), nullable=True),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("time", sa.BigInteger(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("producer", sa.String(length=32), nullable=False),
        sa.Column("order_key", sa.String(length=255), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TS, nullable=False),
        sa.Column("first_attempt_at", TS, nullable=True),
        sa.Column("delivered_at", TS, nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_deliveries_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.create_index(batch.f("ix_deliveries_status_next_attempt_at"), ["status", "next_attempt_at"])
        batch.create_index(batch.f("ix_deliveries_order_key_id"), ["order_key", "id"])
        batch.create_index(batch.f("ix_deliveries_event_id"), ["event_id"])
    op.create_table(
        "apps",
        sa.Column("app_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("secret_generation", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_apps_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_apps")),
        sa.UniqueConstraint("account_id", name=op.f("uq_apps_account_id")),
    )
    op.create_table(
        "app_subscriptions",
        sa.Column("app_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("object", sa.String(length=64), nullable=False),
        sa.Column("callback_url", sa.Text(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("app_id", "object", name=op.f("pk_app_subscriptions")),
    )
    op.create_table(
        "waba_subscriptions",
        sa.Column("waba_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("app_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("override_callback_uri", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["waba_id"], ["wabas.id"], name=op.f("fk_waba_subscriptions_waba_id_wabas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("waba_id", "app_id", name=op.f("pk_waba_subscriptions")),
    )


def downgrade() -> None:
    op.drop_table("waba_subscriptions")
    op.drop_table("app_subscriptions")
    op.drop_table("apps")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index(batch.f("ix_deliveries_event_id"))
        batch.drop_index(batch.f("ix_deliveries_order_key_id"))
        batch.drop_index(batch.f("ix_deliveries_status_next_attempt_at"))
    op.drop_table("deliveries")
    op.drop_table("events")
