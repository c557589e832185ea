"""report actions carry typed details (how the citizen was reached, which measure, who filed aangifte, outcome)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.orm

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('report_actions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', sa.JSON(), nullable=True))
    # The back-office inbox sorts open reports by their next deadline.
    with op.batch_alter_table('report_clocks', schema=None) as batch_op:
        batch_op.create_index('ix_report_clocks_open_due', ['acknowledged_at', 'due_at'], unique=False)
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_due_at', bot.storage.orm.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_reports_next_due', ['next_due_at'], unique=False)
        batch_op.create_index('ix_reports_status_created', ['status', 'created_at'], unique=False)
        # Figures and exports select reports by period, per team.
        batch_op.create_index('ix_reports_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_reports_team_created', ['team_id', 'created_at'], unique=False)
    # Reports filed before this revision: their earliest open deadline.
    op.execute("UPDATE reports SET next_due_at = (SELECT min(c.due_at) FROM report_clocks c "
               "WHERE c.reference = reports.reference AND c.acknowledged_at IS NULL)")


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index('ix_reports_team_created')
        batch_op.drop_index('ix_reports_created_at')
        batch_op.drop_index('ix_reports_status_created')
        batch_op.drop_index('ix_reports_next_due')
        batch_op.drop_column('next_due_at')
    with op.batch_alter_table('report_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_report_clocks_open_due')
    with op.batch_alter_table('report_actions', schema=None) as batch_op:
        batch_op.drop_column('details')
