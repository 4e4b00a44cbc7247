"""Store each number's display form.

Formatting with libphonenumber costs more than the rest of a details request, and a number's
international format never changes, so it is computed once, when the number is created.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("phone_numbers") as batch:
        batch.add_column(sa.Column("display", sa.String(length=32), nullable=True))
    numbers = sa.table(
        "phone_numbers",
        sa.column("id", sa.BigInteger),
        sa.column("e164", sa.String),
        sa.column("display", sa.String),
    )
    connection = op.get_bind()
    for number_id, e164 in connection.execute(sa.select(numbers.c.id, numbers.c.e164)).all():
        display = phonenumbers.format_number(
            phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        connection.execute(numbers.update().where(numbers.c.id == number_id).values(display=display))


def downgrade() -> None:
    with op.batch_alter_table("phone_numbers") as batch:
        batch.drop_column("display")
