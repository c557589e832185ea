"""processed deliveries remember when their replies went out, so a redelivery re-sends only what was not sent

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.orm

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sent_at', bot.storage.orm.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('processed_deliveries', schema=None) as batch_op:
        batch_op.drop_column('sent_at')
