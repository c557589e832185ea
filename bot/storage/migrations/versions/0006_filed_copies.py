"""clocks and check-ins carry their report's team and filing time, so the figures need no join

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 16:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.orm

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

UTC = bot.storage.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    for table, index in (('report_clocks', 'ix_report_clocks_filed'), ('checkins', 'ix_checkins_filed')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('team_id', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('filed_at', UTC, nullable=True))
            batch_op.create_index(index, ['filed_at', 'team_id'], unique=False)
        op.execute(f"UPDATE {table} SET "
                   f"team_id = (SELECT r.team_id FROM reports r WHERE r.reference = {table}.reference), "
                   f"filed_at = (SELECT r.created_at FROM reports r WHERE r.reference = {table}.reference)")


def downgrade() -> None:
    for table, index in (('report_clocks', 'ix_report_clocks_filed'), ('checkins', 'ix_checkins_filed')):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(index)
            batch_op.drop_column('filed_at')
            batch_op.drop_column('team_id')
