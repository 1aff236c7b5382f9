"""Runtime configuration, read once from the environment.

Every knob an operator may turn lives here, so the rest of the code never reads
``os.environ`` itself. The README's configuration table mirrors this module.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    return int(raw) if raw else default


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


def _path(env: Mapping[str, str], name: str, default: Path) -> Path:
    raw = env.get(name, "").strip()
    return Path(raw).expanduser().resolve() if raw else default


@dataclass(frozen=True)
class Settings:
    """Typed view of the environment. Build with :func:`load_settings`."""

    # Where the app keeps its own files (SQLite database, attachments, keys). Outside the web root.
    data_dir: Path
    database_url: str
    # Read-only national data (admin units, procedure index); never copied into the project.
    shared_data_dir: Path
    catalog_dir: Path
    # The address citizens reach the app at; used in QR verification links and OIDC redirects.
    public_base_url: str

    # OpenID Connect client. The issuer's discovery document supplies every endpoint.
    oidc_issuer: str
    oidc_client_id: str
    oidc_client_secret: str
    oidc_client_auth_method: str  # client_secret_basic | client_secret_post | private_key_jwt
    oidc_private_key_path: Path | None
    oidc_scopes: str
    oidc_redirect_uri: str
    oidc_timeout_seconds: float
    # Mount the embedded VNeID-style sandbox provider at /idp on the app's own server.
    sandbox_idp_enabled: bool

    session_idle_minutes: int
    session_absolute_hours: int
    session_cookie_name: str

    # Signs receipt QR tokens; generated and kept in data_dir when not given.
    receipt_signing_key: str

    max_file_mb: int
    max_dossier_mb: int
    max_files_per_dossier: int
    draft_retention_days: int

    smtp_host: str
    smtp_port: int
    smtp_sender: str

    lookup_rate_limit_per_minute: int

    # Identity extras (docs/identity.md). Defaults keep hand-built Settings in tests working.
    # Where the provider sends the browser after logout; must be registered with the provider exactly.
    oidc_post_logout_redirect_uri: str = ""
    # Tolerated clock difference with the provider when checking iat/exp of ID tokens.
    oidc_clock_skew_seconds: int = 60
    # How long a started sign-in (state, nonce, PKCE verifier) stays usable.
    oidc_login_timeout_minutes: int = 10
    # Sandbox provider: more redirect / post-logout URIs to accept (tests, other hosts), space separated.
    sandbox_idp_extra_redirect_uris: tuple[str, ...] = ()
    sandbox_idp_extra_post_logout_uris: tuple[str, ...] = ()
    sandbox_idp_key_alg: str = "RS256"  # RS256 | ES256
    sandbox_idp_code_ttl_seconds: int = 300
    # Mail transport security: none (a local relay) | starttls | tls (implicit TLS, "SMTPS").
    smtp_security: str = "none"
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)

    # Feedback and petitions (core/feedback): the competent unit answers within this many working days.
    feedback_answer_working_days: int = 10
    # Feedback sent per client IP and hour; a photo is refused above this size.
    feedback_rate_limit_per_hour: int = 5
    feedback_max_photo_mb: int = 5
    # Open API (core/open_data, web/api): calls per client per minute, and partner access-token lifetime.
    api_rate_limit_per_minute: int = 120
    api_token_ttl_seconds: int = 3600

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def uses_https(self) -> bool:
        return self.public_base_url.startswith("https://")


def _words(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part for part in env.get(name, "").replace(",", " ").split() if part)


SMTP_SECURITY_PORTS = {"none": 25, "starttls": 587, "tls": 465}


def _smtp_security(env: Mapping[str, str]) -> str:
    security = env.get("SMTP_SECURITY", "").strip().lower() or "none"
    if security not in SMTP_SECURITY_PORTS:
        choices = ", ".join(SMTP_SECURITY_PORTS)
        raise ValueError(f"SMTP_SECURITY={security!r}: expected one of {choices}")
    if env.get("SMTP_USERNAME", "").strip() and security == "none":
        # A mail password must never cross the network in clear.
        raise ValueError("SMTP_USERNAME is set but SMTP_SECURITY is none: use starttls or tls")
    return security


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    smtp_security = _smtp_security(env)
    data_dir = _path(env, "DATA_DIR", PROJECT_ROOT / "var")
    public_base_url = env.get("PUBLIC_BASE_URL", "http://localhost:3000").rstrip("/")
    default_shared = (PROJECT_ROOT.parent / "shared" / "data").resolve()
    private_key = env.get("OIDC_PRIVATE_KEY_PATH", "").strip()
    return Settings(
        data_dir=data_dir,
        database_url=env.get("DATABASE_URL", "").strip() or f"sqlite:///{data_dir / 'citizen_app.db'}",
        shared_data_dir=_path(env, "SHARED_DATA_DIR", default_shared),
        catalog_dir=_path(env, "CATALOG_DIR", PROJECT_ROOT / "services_catalog"),
        public_base_url=public_base_url,
        oidc_issuer=env.get("OIDC_ISSUER", f"{public_base_url}/idp").rstrip("/"),
        oidc_client_id=env.get("OIDC_CLIENT_ID", "citizen-app"),
        oidc_client_secret=env.get("OIDC_CLIENT_SECRET", "sandbox-client-secret"),
        oidc_client_auth_method=env.get("OIDC_CLIENT_AUTH_METHOD", "client_secret_basic"),
        oidc_private_key_path=Path(private_key) if private_key else None,
        oidc_scopes=env.get("OIDC_SCOPES", "openid profile vneid_identity phone email address"),
        oidc_redirect_uri=env.get("OIDC_REDIRECT_URI", f"{public_base_url}/auth/callback"),
        oidc_timeout_seconds=float(env.get("OIDC_TIMEOUT_SECONDS", "") or 5.0),
        sandbox_idp_enabled=_bool(env, "SANDBOX_IDP", True),
        session_idle_minutes=_int(env, "SESSION_IDLE_MINUTES", 15),
        session_absolute_hours=_int(env, "SESSION_ABSOLUTE_HOURS", 8),
        session_cookie_name=env.get("SESSION_COOKIE_NAME", "citizen_session"),
        receipt_signing_key=env.get("RECEIPT_SIGNING_KEY", ""),
        max_file_mb=_int(env, "MAX_FILE_MB", 10),
        max_dossier_mb=_int(env, "MAX_DOSSIER_MB", 30),
        max_files_per_dossier=_int(env, "MAX_FILES_PER_DOSSIER", 20),
        draft_retention_days=_int(env, "DRAFT_RETENTION_DAYS", 30),
        smtp_host=env.get("SMTP_HOST", ""),
        smtp_port=_int(env, "SMTP_PORT", SMTP_SECURITY_PORTS[smtp_security]),
        smtp_sender=env.get("SMTP_SENDER", "no-reply@dichvucong.example.vn"),
        lookup_rate_limit_per_minute=_int(env, "LOOKUP_RATE_LIMIT_PER_MINUTE", 10),
        oidc_post_logout_redirect_uri=env.get(
            "OIDC_POST_LOGOUT_REDIRECT_URI", f"{public_base_url}/auth/logged-out"
        ).strip(),
        oidc_clock_skew_seconds=_int(env, "OIDC_CLOCK_SKEW_SECONDS", 60),
        oidc_login_timeout_minutes=_int(env, "OIDC_LOGIN_TIMEOUT_MINUTES", 10),
        sandbox_idp_extra_redirect_uris=_words(env, "SANDBOX_IDP_EXTRA_REDIRECT_URIS"),
        sandbox_idp_extra_post_logout_uris=_words(env, "SANDBOX_IDP_EXTRA_POST_LOGOUT_URIS"),
        sandbox_idp_key_alg=env.get("SANDBOX_IDP_KEY_ALG", "").strip().upper() or "RS256",
        sandbox_idp_code_ttl_seconds=_int(env, "SANDBOX_IDP_CODE_TTL_SECONDS", 300),
        smtp_security=smtp_security,
        smtp_username=env.get("SMTP_USERNAME", "").strip(),
        smtp_password=env.get("SMTP_PASSWORD", ""),
        feedback_answer_working_days=_int(env, "FEEDBACK_ANSWER_WORKING_DAYS", 10),
        feedback_rate_limit_per_hour=_int(env, "FEEDBACK_RATE_LIMIT_PER_HOUR", 5),
        feedback_max_photo_mb=_int(env, "FEEDBACK_MAX_PHOTO_MB", 5),
        api_rate_limit_per_minute=_int(env, "API_RATE_LIMIT_PER_MINUTE", 120),
        api_token_ttl_seconds=_int(env, "API_TOKEN_TTL_SECONDS", 3600),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings_cache() -> None:
    """Tests change the environment, then call this so the next read sees it."""
    get_settings.cache_clear()
