"""Callback-profile secrets rotate, and derive from the key kept outside the store.

A profile's secret was derived from a key kept in ``sim_settings`` (``callback_signing_key``): a dump of
the store alone gave every profile's secret. It now derives from the server key (``otp_keys.py``, never in
the store) and the profile's ``secret_generation``, which ``wanumbers profiles secret --rotate`` bumps.
The stored key is deleted: profiles made before this get new secrets (callback profiles were never
released with the old derivation; the CHANGELOG says so).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

LEGACY_KEY = "callback_signing_key"


def upgrade() -> None:
    with op.batch_alter_table("callback_profiles") as batch:
        batch.add_column(sa.Column("secret_generation", sa.Integer(), nullable=False, server_default="1"))
    op.execute(sa.text("DELETE FROM sim_settings WHERE key = :key").bindparams(key=LEGACY_KEY))


def downgrade() -> None:
    with op.batch_alter_table("callback_profiles") as batch:
        batch.drop_column("secret_generation")
