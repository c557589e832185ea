"""All configuration, from the environment (prefix MELDBOT_) or a .env file."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MELDBOT_", env_file=".env", extra="ignore")

    # Storage
    database_url: str = "sqlite:///meldbot.db"
    migrate_on_start: bool = True

    # Content and organisation
    org_file: Path = DATA_DIR / "org" / "demo.yml"
    texts_file: Path = DATA_DIR / "texts.nl.yml"
    web_texts_file: Path = DATA_DIR / "web.nl.yml"
    training_dir: Path = DATA_DIR / "training"
    model_dir: Path = Path(".meldbot") / "model"
    timezone: str = "Europe/Amsterdam"
    resume_after_minutes: int = 30
    understanding: str = "trained"  # "trained" (spaCy model, trained when missing) or "rules"

    # Web
    host: str = "127.0.0.1"
    port: int = 8000
    max_message_chars: int = 4000
    # The address people use to reach meldbot (sign-in links, the OIDC redirect URI, Secure cookies when
    # https); default http://{host}:{port}.
    public_url: str | None = None

    # Sign-in. Without an OIDC issuer, people sign in with one-time links (`meldbot invite`).
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_employee_claim: str = "email"  # email, oid (the organisation file's aad_object_id) or any claim = id
    oidc_scopes: str = "openid email profile"
    oidc_audience: str | None = None  # 'aud' of bearer access tokens for API clients; default the client id
    invite_valid_hours: float = 24.0
    session_idle_chat_minutes: float = 12 * 60
    session_idle_backoffice_minutes: float = 30.0
    auth_max_failures: int = 10  # failed sign-ins or link guesses per address ...
    auth_failure_window_minutes: float = 15.0  # ... within this window, then 429

    # Overload (bot/web/limits.py): a rate is so many per minute on average with a burst on top; a rate of 0
    # switches that limit off. Over a limit: 429 with Retry-After, and the request is not processed.
    # Without redis_url each worker process counts on its own (exact for the single-process default).
    redis_url: SecretStr | None = None  # e.g. redis://127.0.0.1:6379/0: limits shared by all workers
    chat_messages_per_person_per_minute: float = 30.0  # a person types at most a few messages a second
    chat_messages_per_person_burst: int = 100  # a queue of messages sent at once after being offline
    requests_per_address_per_minute: float = 300.0  # /api/ and /beheer (not channel webhooks), per address
    requests_per_address_burst: int = 300  # several colleagues behind one office address
    max_turns_in_flight: int = 32  # chat turns per process at once; below the thread pool's 40 threads
    turn_threads: int = 0  # threads running chat turns; 0: 1 on SQLite (one writer), 4 on PostgreSQL
    # One line per HTTP request (method, path without query, status). Off where a proxy in front logs them.
    access_log: bool = True

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    # Evidence
    attachments_dir: Path = Path(".meldbot") / "attachments"
    max_attachment_bytes: int = 20 * 1024 * 1024

    # Telegram
    telegram_token: SecretStr | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"

    # Microsoft Teams
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str | None = None
    teams_dev_anonymous: bool = False

    # Scheduler, escalation and aftercare
    scheduler_enabled: bool = True
    tick_seconds: float = 5.0
    aftercare_schedule: str = "1d,14d,42d"
    digest_time: str = "08:00"  # local time of the daily digest of non-severe reports
    severe_immediately: bool = True
    outbox_max_attempts: int = 5
    outbox_batch_size: int = 20  # rows one tick claims at a time
    # A row left in 'sending' this long (its worker died) is claimed again. Keep it well above
    # send_timeout_seconds: a send still running when the lease ends would be sent twice.
    outbox_lease_seconds: float = 120.0
    send_timeout_seconds: float = 30.0

    # E-mail (SMTP) for managers without a chat channel
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "meldbot@localhost"
    smtp_starttls: bool = False
