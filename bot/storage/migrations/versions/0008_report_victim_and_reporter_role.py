"""reports made for a colleague or by a witness: the reporter's part, who it happened to, and whether they were told

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reporter_role', sa.String(length=16), nullable=False, server_default='self'))
        batch_op.add_column(sa.Column('victim_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('victim_name', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('victim_told', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_reports_victim_id'), ['victim_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_victim_id'))
        batch_op.drop_column('victim_told')
        batch_op.drop_column('victim_name')
        batch_op.drop_column('victim_id')
        batch_op.drop_column('reporter_role')
