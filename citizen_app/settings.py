"""Runtime configuration, read once from the environment.

Every knob an operator may turn lives here, so the rest of the code never reads
``os.environ`` itself. The README's configuration table mirrors this module.
"""

from __future__ import annotations

import os
import re
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

    # --- Security (ASVS L2 hardening; citizen_app/web/security.py) ---------------------------------
    # A sandbox on a public https address hands out staff accounts: refused at start unless forced.
    allow_sandbox_in_production: bool = False
    # Public lookup: guesses per dossier code per hour, from every address together (a shared carrier
    # IPv4 address or a whole IPv6 block cannot walk the 10,000 last-four-digit answers).
    lookup_rate_limit_per_code_per_hour: int = 20
    # Refusals written to the audit trail per person (or address) and minute; the rest are counted.
    denial_audit_limit_per_minute: int = 20

    # --- registries that prefill forms (issue 12; core/prefill/sources, core/registries.py) ---------
    # The population & residence, civil-status and social-insurance registries' JSON API.
    registry_api_url: str = ""
    registry_api_key: str = field(default="", repr=False)
    # Mount the sandbox registries (made-up records of the demo people) at /sandbox/registries.
    sandbox_registries_enabled: bool = True

    @property
    def enabled_sandboxes(self) -> tuple[str, ...]:
        """Every sandbox mounted on the app's server (each shows the red SANDBOX banner)."""
        mounted = {
            "idp": self.sandbox_idp_enabled,
            "sms": self.sandbox_sms_enabled,
            "registries": self.sandbox_registries_enabled,  # issue 12
        }
        mounted["payments"] = self.sandbox_payments_enabled  # issue 11
        mounted["signing"] = self.signing_authority == "sandbox"  # issue 13: the app's own certificate authority
        return tuple(name for name, on in mounted.items() if on)

    @property
    def max_upload_body_bytes(self) -> int:
        """One upload request may carry at most a whole dossier's files, plus the multipart framing."""
        return self.max_dossier_mb * 1024 * 1024 + 256 * 1024

    # --- identity providers (docs/identity.md, "Several providers") ---------------------------------
    # The citizen provider is the OIDC_* variables above plus these; others come from OIDC_PROVIDERS.
    oidc_display_name: str = "VNeID"
    oidc_claims: str = "vneid"  # claim preset: vneid | standard
    oidc_claim_map: tuple[tuple[str, str], ...] = ()  # overrides: (app attribute, claim name or "-")
    oidc_acr_levels: tuple[tuple[str, int], ...] = ()  # (acr value, identity level)
    oidc_extra_providers: tuple[OidcProviderSettings, ...] = ()

    @property
    def oidc_providers(self) -> tuple[OidcProviderSettings, ...]:
        """Every configured provider, the citizen provider (from the plain OIDC_* variables) first."""
        citizen = OidcProviderSettings(
            key=CITIZEN_PROVIDER,
            issuer=self.oidc_issuer,
            client_id=self.oidc_client_id,
            client_secret=self.oidc_client_secret,
            client_auth_method=self.oidc_client_auth_method,
            private_key_path=self.oidc_private_key_path,
            scopes=self.oidc_scopes,
            redirect_uri=self.oidc_redirect_uri,
            post_logout_redirect_uri=self.oidc_post_logout_redirect_uri,
            display_name=self.oidc_display_name,
            purpose="citizen",
            claims=self.oidc_claims,
            claim_map=self.oidc_claim_map,
            acr_levels=self.oidc_acr_levels,
            timeout_seconds=self.oidc_timeout_seconds,
        )
        return (citizen, *self.oidc_extra_providers)

    # --- production profile, storage, jobs, SMS (docs/operations.md) ---
    # The one port the app serves on (frontend and backend).
    port: int = 3000
    # Reflex keeps tab states in Redis when set: several workers, several machines behind a load balancer.
    redis_url: str = ""
    # Serving processes on this machine; more than one needs Redis (each would keep its own tab states).
    web_workers: int = 1
    # A tab's state is dropped after this long without an event (phones come and go; drafts are in the database).
    state_idle_minutes: int = 30
    log_format: str = "text"  # text | json
    log_level: str = "INFO"
    # Optional bearer token for /metrics; empty leaves it open (keep it on an internal network then).
    metrics_token: str = field(default="", repr=False)
    storage_backend: str = "local"  # local | s3
    s3_endpoint_url: str = ""
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_prefix: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = field(default="", repr=False)
    # How files reach the browser: stream (through the app) | presigned (a short-lived URL to the S3 server).
    file_downloads: str = "stream"
    presigned_url_seconds: int = 60
    # Run queued jobs inside the web process too (make run); `make prod` runs a separate worker instead.
    jobs_in_app: bool = True
    job_poll_seconds: float = 2.0
    # Text messages go to the provider plugin named here (core/sms.py registry); empty: no SMS at all.
    sms_provider: str = "http-json"
    sms_api_url: str = ""
    sms_api_key: str = field(default="", repr=False)
    sms_sender: str = "DICHVUCONG"
    # Mount the sandbox SMS gateway (shows what was sent) at /sandbox/sms.
    sandbox_sms_enabled: bool = True
    backup_passphrase: str = field(default="", repr=False)

    # Feedback and petitions (core/feedback): the competent unit answers within this many working days.
    feedback_answer_working_days: int = 10
    # Feedback sent per client IP and hour; a photo is refused above this size.
    feedback_rate_limit_per_hour: int = 5
    feedback_max_photo_mb: int = 5
    # Open API (core/open_data, web/api): calls per client per minute, and partner access-token lifetime.
    api_rate_limit_per_minute: int = 120
    api_token_ttl_seconds: int = 3600
    # Procedure assistant (core/assistant): an optional OpenAI-compatible chat endpoint that may
    # only rephrase the assistant's own fixed sentences. Empty URL: off; every fact shown comes
    # from the catalogue either way (docs/assistant.md).
    assistant_llm_url: str = ""
    assistant_llm_model: str = ""
    assistant_llm_api_key: str = field(default="", repr=False)
    assistant_llm_timeout_seconds: float = 3.0

    # --- the event loop (issue 14 item 2, web/event_threads.py) ---
    # Threads per serving process that run event handlers (database work) off the event loop.
    event_threads: int = 8
    # How long a serving process waits for SQLite's write lock before telling the tab to try again.
    sqlite_busy_seconds: float = 5.0
    # Tests only: "state.handler=seconds,..." adds that delay to a handler, on its worker thread.
    test_slow_events: tuple[tuple[str, float], ...] = ()

    # --- fee payments (issue 11; core/payments, docs/payments.md) ---
    # Payment provider plugins offered to citizens, in this order (core/payments/registry.py).
    payment_providers: tuple[str, ...] = ("vnpay", "vietqr")
    # The VNPAY-compatible gateway: payment page, status-query API, merchant code and hash secret.
    vnpay_payment_url: str = ""
    vnpay_api_url: str = ""
    vnpay_tmn_code: str = "SANDBOX1"
    vnpay_hash_secret: str = field(default="", repr=False)
    # VietQR transfers: the receiving account (bank BIN, account number, name), the bank's webhook
    # secret (HMAC of the body) and its transaction-query API with its key.
    vietqr_bank_bin: str = "970499"
    vietqr_account_number: str = ""
    vietqr_account_name: str = ""
    vietqr_webhook_secret: str = field(default="", repr=False)
    vietqr_api_url: str = ""
    vietqr_api_key: str = field(default="", repr=False)
    # Every call to a payment provider (status queries) gives up after this long.
    payment_timeout_seconds: float = 5.0
    # Mount the sandbox gateway and sandbox bank at /sandbox/gateway and /sandbox/bank.
    sandbox_payments_enabled: bool = True

    # --- signed results (issue 13; core/documents/authority.py) ---
    # The certificate authority plugin: sandbox (made by the app) | pkcs12 (the agencies' own keys).
    signing_authority: str = "sandbox"
    # pkcs12: (agency code or "*", PKCS#12 file), the files' password, the roots to trust, the CA's CRLs.
    signing_pkcs12: tuple[tuple[str, Path], ...] = ()
    signing_pkcs12_password: str = field(default="", repr=False)
    signing_trust_roots: Path | None = None
    signing_crl: tuple[str, ...] = ()
    # Tests only: a share link that lasts this many seconds is offered too (refused with https).
    test_share_link_seconds: int = 0

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def metrics_dir(self) -> Path:
        return self.data_dir / "metrics"

    @property
    def uses_https(self) -> bool:
        return self.public_base_url.startswith("https://")


def _words(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(part for part in env.get(name, "").replace(",", " ").split() if part)


# --- identity providers ------------------------------------------------------------------------------

CITIZEN_PROVIDER = "citizen"
PROVIDER_PURPOSES = ("citizen", "staff")
CLAIM_PRESETS = ("vneid", "standard")
_PROVIDER_KEY = re.compile(r"^[a-z][a-z0-9]{0,15}$")


@dataclass(frozen=True)
class OidcProviderSettings:
    """One OpenID provider people sign in with. The citizen provider is built from the plain
    ``OIDC_*`` variables; every key listed in ``OIDC_PROVIDERS`` reads ``OIDC_<KEY>_*``."""

    key: str  # in routes (/auth/<key>/login) and stored with each session
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    client_auth_method: str
    private_key_path: Path | None
    scopes: str
    redirect_uri: str
    post_logout_redirect_uri: str
    display_name: str  # on its sign-in button and in "verified by …"
    purpose: str  # citizen | staff (a staff provider signs in staff only)
    claims: str  # preset of claim names: vneid | standard
    claim_map: tuple[tuple[str, str], ...] = ()
    acr_levels: tuple[tuple[str, int], ...] = ()
    timeout_seconds: float = 5.0


def _pairs(env: Mapping[str, str], name: str) -> tuple[tuple[str, str], ...]:
    """``"a=b c=d"`` → ``(("a", "b"), ("c", "d"))``; anything without ``=`` is a mistake worth stopping for."""
    pairs = []
    for word in _words(env, name):
        left, sep, right = word.partition("=")
        if not sep or not left or not right:
            raise ValueError(f"{name}: expected name=value pairs, got {word!r}")
        pairs.append((left, right))
    return tuple(pairs)


def _acr_levels(env: Mapping[str, str], name: str) -> tuple[tuple[str, int], ...]:
    levels = []
    for acr, level in _pairs(env, name):
        if level not in ("1", "2"):
            raise ValueError(f"{name}: identity level for {acr!r} must be 1 or 2, got {level!r}")
        levels.append((acr, int(level)))
    return tuple(levels)


def _claim_preset(env: Mapping[str, str], name: str, default: str) -> str:
    preset = env.get(name, "").strip().lower() or default
    if preset not in CLAIM_PRESETS:
        raise ValueError(f"{name}={preset!r}: expected one of {', '.join(CLAIM_PRESETS)}")
    return preset


def _extra_providers(
    env: Mapping[str, str], *, public_base_url: str, citizen_issuer: str, sandbox: bool
) -> tuple[OidcProviderSettings, ...]:
    """``OIDC_PROVIDERS="staff"`` → the providers ``OIDC_STAFF_*`` describe.

    With the sandbox on and ``OIDC_PROVIDERS`` unset, a staff sign-on at the sandbox (a second
    client of the same issuer) is configured, so ``make run`` shows two providers at once.
    """
    raw = env.get("OIDC_PROVIDERS")
    keys = _words(env, "OIDC_PROVIDERS") if raw is not None else (("staff",) if sandbox else ())
    providers = []
    for key in dict.fromkeys(keys):
        if not _PROVIDER_KEY.match(key) or key == CITIZEN_PROVIDER:
            raise ValueError(f"OIDC_PROVIDERS: {key!r} must be a lower-case word other than 'citizen'")
        prefix = f"OIDC_{key.upper()}_"

        def value(name: str, default: str = "", prefix: str = prefix) -> str:
            return env.get(prefix + name, "").strip() or default

        issuer = value("ISSUER", citizen_issuer if sandbox else "").rstrip("/")
        if not issuer:
            raise ValueError(f"{prefix}ISSUER is required for the provider {key!r}")
        at_sandbox = sandbox and issuer == citizen_issuer
        purpose = value("PURPOSE", "staff" if key == "staff" else "citizen").lower()
        if purpose not in PROVIDER_PURPOSES:
            raise ValueError(f"{prefix}PURPOSE={purpose!r}: expected citizen or staff")
        key_path = value("PRIVATE_KEY_PATH")
        providers.append(
            OidcProviderSettings(
                key=key,
                issuer=issuer,
                client_id=value("CLIENT_ID", f"citizen-app-{key}" if at_sandbox else ""),
                client_secret=env.get(prefix + "CLIENT_SECRET", f"sandbox-{key}-secret" if at_sandbox else ""),
                client_auth_method=value("CLIENT_AUTH_METHOD", "client_secret_basic"),
                private_key_path=Path(key_path) if key_path else None,
                scopes=value("SCOPES", "openid profile vneid_identity phone email" if at_sandbox
                             else "openid profile email phone address"),
                redirect_uri=value("REDIRECT_URI", f"{public_base_url}/auth/{key}/callback"),
                post_logout_redirect_uri=value("POST_LOGOUT_REDIRECT_URI", f"{public_base_url}/auth/logged-out"),
                display_name=value("DISPLAY_NAME", "Sandbox staff sign-on" if at_sandbox else key.title()),
                purpose=purpose,
                claims=_claim_preset(env, prefix + "CLAIMS", "vneid" if at_sandbox else "standard"),
                claim_map=_pairs(env, prefix + "CLAIM_MAP"),
                acr_levels=_acr_levels(env, prefix + "ACR_LEVELS"),
                timeout_seconds=float(value("TIMEOUT_SECONDS") or env.get("OIDC_TIMEOUT_SECONDS", "") or 5.0),
            )
        )
        if not providers[-1].client_id:
            raise ValueError(f"{prefix}CLIENT_ID is required for the provider {key!r}")
    return tuple(providers)


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


STORAGE_BACKENDS = ("local", "s3")
FILE_DOWNLOAD_MODES = ("stream", "presigned")
LOG_FORMATS = ("text", "json")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, "").strip().lower() or choices[0]
    if value not in choices:
        raise ValueError(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


def _production(env: Mapping[str, str], public_base_url: str) -> dict[str, object]:
    """The production profile's settings, checked together: a bad combination stops the app at start."""
    redis_url = env.get("REDIS_URL", "").strip()
    workers = _int(env, "WEB_WORKERS", 2 if redis_url else 1)
    if workers < 1:
        raise ValueError("WEB_WORKERS must be at least 1")
    if workers > 1 and not redis_url:
        # Without Redis each worker would keep its own tab states and phones would lose theirs.
        raise ValueError("WEB_WORKERS > 1 needs REDIS_URL (tab states shared in Redis)")
    storage = _choice(env, "STORAGE_BACKEND", STORAGE_BACKENDS)
    bucket = env.get("S3_BUCKET", "").strip()
    if storage == "s3" and not bucket:
        raise ValueError("STORAGE_BACKEND=s3 needs S3_BUCKET")
    downloads = _choice(env, "FILE_DOWNLOADS", FILE_DOWNLOAD_MODES)
    if downloads == "presigned" and storage != "s3":
        raise ValueError("FILE_DOWNLOADS=presigned needs STORAGE_BACKEND=s3")
    return {
        "port": _int(env, "PORT", 3000),
        "redis_url": redis_url,
        "web_workers": workers,
        "state_idle_minutes": _int(env, "STATE_IDLE_MINUTES", 30),
        "log_format": _choice(env, "LOG_FORMAT", LOG_FORMATS),
        "log_level": env.get("LOG_LEVEL", "").strip().upper() or "INFO",
        "metrics_token": env.get("METRICS_TOKEN", "").strip(),
        "storage_backend": storage,
        "s3_endpoint_url": env.get("S3_ENDPOINT_URL", "").strip(),
        "s3_bucket": bucket,
        "s3_region": env.get("S3_REGION", "").strip() or "us-east-1",
        "s3_prefix": env.get("S3_PREFIX", "").strip().strip("/"),
        "s3_access_key_id": env.get("S3_ACCESS_KEY_ID", "").strip(),
        "s3_secret_access_key": env.get("S3_SECRET_ACCESS_KEY", ""),
        "file_downloads": downloads,
        "presigned_url_seconds": _int(env, "PRESIGNED_URL_SECONDS", 60),
        "jobs_in_app": _bool(env, "JOBS_IN_APP", True),
        "job_poll_seconds": float(env.get("JOB_POLL_SECONDS", "") or 2.0),
        "sms_provider": env.get("SMS_PROVIDER", "http-json").strip().lower(),
        "sms_api_url": env.get("SMS_API_URL", "").strip() or f"{public_base_url}/sandbox/sms/api/messages",
        "sms_api_key": env.get("SMS_API_KEY", "") or "sandbox-sms-key",
        "sms_sender": env.get("SMS_SENDER", "").strip() or "DICHVUCONG",
        "sandbox_sms_enabled": _bool(env, "SANDBOX_SMS", True),
        "backup_passphrase": env.get("BACKUP_PASSPHRASE", ""),
        # issue 12: prefill registries
        "registry_api_url": env.get("REGISTRY_API_URL", "").strip().rstrip("/")
        or f"{public_base_url}/sandbox/registries/api",
        "registry_api_key": env.get("REGISTRY_API_KEY", "") or "sandbox-registry-key",
        "sandbox_registries_enabled": _bool(env, "SANDBOX_REGISTRIES", True),
    }


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
        allow_sandbox_in_production=_bool(env, "ALLOW_SANDBOX_IN_PRODUCTION", False),
        lookup_rate_limit_per_code_per_hour=_int(env, "LOOKUP_RATE_LIMIT_PER_CODE_PER_HOUR", 20),
        denial_audit_limit_per_minute=_int(env, "DENIAL_AUDIT_LIMIT_PER_MINUTE", 20),
        **_identity_provider_settings(env, public_base_url),
        **_production(env, public_base_url),  # type: ignore[arg-type]
        feedback_answer_working_days=_int(env, "FEEDBACK_ANSWER_WORKING_DAYS", 10),
        feedback_rate_limit_per_hour=_int(env, "FEEDBACK_RATE_LIMIT_PER_HOUR", 5),
        feedback_max_photo_mb=_int(env, "FEEDBACK_MAX_PHOTO_MB", 5),
        api_rate_limit_per_minute=_int(env, "API_RATE_LIMIT_PER_MINUTE", 120),
        api_token_ttl_seconds=_int(env, "API_TOKEN_TTL_SECONDS", 3600),
        assistant_llm_url=env.get("ASSISTANT_LLM_URL", "").strip().rstrip("/"),
        assistant_llm_model=env.get("ASSISTANT_LLM_MODEL", "").strip(),
        assistant_llm_api_key=env.get("ASSISTANT_LLM_API_KEY", ""),
        assistant_llm_timeout_seconds=float(env.get("ASSISTANT_LLM_TIMEOUT_SECONDS", "") or 3.0),
        **_event_loop_settings(env, public_base_url),  # type: ignore[arg-type]
        **_payment_settings(env, public_base_url),  # type: ignore[arg-type]
        **_signing_settings(env, public_base_url),  # type: ignore[arg-type]
    )


def _signing_settings(env: Mapping[str, str], public_base_url: str) -> dict[str, object]:
    """Issue 13: the authority that signs results; a configured one is checked again at start-up."""
    name = env.get("SIGNING_AUTHORITY", "").strip().lower() or "sandbox"
    files = tuple((code, Path(path).expanduser()) for code, path in _pairs(env, "SIGNING_PKCS12"))
    if name == "pkcs12" and not files:
        raise ValueError("SIGNING_AUTHORITY=pkcs12 needs SIGNING_PKCS12 (agency-code=/path/file.p12 ..., "
                         "* for every other agency)")
    roots = env.get("SIGNING_TRUST_ROOTS", "").strip()
    share_seconds = _int(env, "TEST_SHARE_LINK_SECONDS", 0)
    if share_seconds and public_base_url.startswith("https://"):
        raise ValueError("TEST_SHARE_LINK_SECONDS is for tests only: refused with an https PUBLIC_BASE_URL")
    return {
        "signing_authority": name,
        "signing_pkcs12": files,
        "signing_pkcs12_password": env.get("SIGNING_PKCS12_PASSWORD", ""),
        "signing_trust_roots": Path(roots).expanduser() if roots else None,
        "signing_crl": _words(env, "SIGNING_CRL"),
        "test_share_link_seconds": share_seconds,
    }


def _event_loop_settings(env: Mapping[str, str], public_base_url: str) -> dict[str, object]:
    threads = _int(env, "EVENT_THREADS", 8)
    if threads < 1:
        raise ValueError("EVENT_THREADS must be at least 1")
    slow: dict[str, float] = {}
    for item in env.get("TEST_SLOW_EVENTS", "").split(","):
        if item.strip():
            name, _, seconds = item.partition("=")
            slow[name.strip()] = float(seconds or 1)
    if slow and public_base_url.startswith("https://"):
        raise ValueError("TEST_SLOW_EVENTS is for tests only: refused with an https PUBLIC_BASE_URL")
    return {
        "event_threads": threads,
        "sqlite_busy_seconds": float(env.get("SQLITE_BUSY_SECONDS", "") or 5.0),
        "test_slow_events": tuple(slow.items()),
    }


def _payment_settings(env: Mapping[str, str], public_base_url: str) -> dict[str, object]:
    """Issue 11: each provider points at the sandbox on this server unless its variables say otherwise."""
    sandbox = f"{public_base_url}/sandbox"
    return {
        "payment_providers": tuple(
            word.strip().lower() for word in env.get("PAYMENT_PROVIDERS", "vnpay,vietqr").split(",") if word.strip()
        ),
        "vnpay_payment_url": env.get("VNPAY_PAYMENT_URL", "").strip() or f"{sandbox}/gateway/paymentv2/vpcpay.html",
        "vnpay_api_url": env.get("VNPAY_API_URL", "").strip() or f"{sandbox}/gateway/merchant_webapi/api/transaction",
        "vnpay_tmn_code": env.get("VNPAY_TMN_CODE", "").strip() or "SANDBOX1",
        "vnpay_hash_secret": env.get("VNPAY_HASH_SECRET", "") or "sandbox-vnpay-secret",
        "vietqr_bank_bin": env.get("VIETQR_BANK_BIN", "").strip() or "970499",
        "vietqr_account_number": env.get("VIETQR_ACCOUNT_NUMBER", "").strip() or "0123456789",
        "vietqr_account_name": env.get("VIETQR_ACCOUNT_NAME", "").strip() or "KHO BAC NHA NUOC (SANDBOX)",
        "vietqr_webhook_secret": env.get("VIETQR_WEBHOOK_SECRET", "") or "sandbox-bank-webhook-secret",
        "vietqr_api_url": env.get("VIETQR_API_URL", "").strip() or f"{sandbox}/bank/api/transactions",
        "vietqr_api_key": env.get("VIETQR_API_KEY", "") or "sandbox-bank-key",
        "payment_timeout_seconds": float(env.get("PAYMENT_TIMEOUT_SECONDS", "") or 5.0),
        "sandbox_payments_enabled": _bool(env, "SANDBOX_PAYMENTS", True),
    }


def _identity_provider_settings(env: Mapping[str, str], public_base_url: str) -> dict[str, object]:
    citizen_issuer = env.get("OIDC_ISSUER", f"{public_base_url}/idp").rstrip("/")
    return {
        "oidc_display_name": env.get("OIDC_DISPLAY_NAME", "").strip() or "VNeID",
        "oidc_claims": _claim_preset(env, "OIDC_CLAIMS", "vneid"),
        "oidc_claim_map": _pairs(env, "OIDC_CLAIM_MAP"),
        "oidc_acr_levels": _acr_levels(env, "OIDC_ACR_LEVELS"),
        "oidc_extra_providers": _extra_providers(
            env,
            public_base_url=public_base_url,
            citizen_issuer=citizen_issuer,
            sandbox=_bool(env, "SANDBOX_IDP", True),
        ),
    }


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings_cache() -> None:
    """Tests change the environment, then call this so the next read sees it."""
    get_settings.cache_clear()
