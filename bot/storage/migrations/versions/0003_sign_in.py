"""sign-in: one-time links, web sessions, pending OIDC sign-ins, failed attempts; audit log append-only

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.orm

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

UTC = bot.storage.orm.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('login_links',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('employee_id', sa.String(length=64), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('expires_at', UTC, nullable=False),
    sa.Column('used_at', UTC, nullable=True),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_login_links'))
    )
    op.create_index(op.f('ix_login_links_employee_id'), 'login_links', ['employee_id'], unique=False)
    op.create_table('web_sessions',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('employee_id', sa.String(length=64), nullable=False),
    sa.Column('via', sa.String(length=16), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.Column('last_seen_at', UTC, nullable=False),
    sa.Column('revoked_at', UTC, nullable=True),
    sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_web_sessions'))
    )
    op.create_index(op.f('ix_web_sessions_employee_id'), 'web_sessions', ['employee_id'], unique=False)
    op.create_table('oidc_logins',
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('binding_hash', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('next_path', sa.Text(), nullable=False),
    sa.Column('created_at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('state_hash', name=op.f('pk_oidc_logins'))
    )
    op.create_index(op.f('ix_oidc_logins_created_at'), 'oidc_logins', ['created_at'], unique=False)
    op.create_table('auth_failures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('at', UTC, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_failures'))
    )
    op.create_index('ix_auth_failures_address_at', 'auth_failures', ['address', 'at'], unique=False)

    # The audit log is append-only in the database itself, not only by convention.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""
            CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql
        """)
        op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                       "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.drop_index('ix_auth_failures_address_at', table_name='auth_failures')
    op.drop_table('auth_failures')
    op.drop_index(op.f('ix_oidc_logins_created_at'), table_name='oidc_logins')
    op.drop_table('oidc_logins')
    op.drop_index(op.f('ix_web_sessions_employee_id'), table_name='web_sessions')
    op.drop_table('web_sessions')
    op.drop_index(op.f('ix_login_links_employee_id'), table_name='login_links')
    op.drop_table('login_links')
