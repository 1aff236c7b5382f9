"""Logging for operators: one JSON object per line (``LOG_FORMAT=json``), with the request id, without personal data.

Every record passes :class:`RedactingFilter`, which runs the formatted message, and any
exception text, through :func:`citizen_app.core.redaction.redact` (ID numbers, phone numbers,
email addresses). The request id comes from ``X-Request-ID`` when a proxy sets a sane one,
else it is made up; web/ops.py puts it in a context variable for the request's lifetime and
returns it in the response, so a citizen's report and the log lines can be matched.
"""

from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

from citizen_app.core.redaction import redact
from citizen_app.settings import Settings, get_settings

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_configured = False
# Set by configure_logging; a record that reaches the handler without it is redacted there too.
_HANDLER_NAME = "citizen_app"


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
        }
        for key in ("event", "method", "path", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s")


def make_handler(settings: Settings, stream: object = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    return handler


def configure_logging(settings: Settings | None = None, *, force: bool = False) -> None:
    """Route every logger through one redacting handler on the root logger (idempotent)."""
    global _configured
    if _configured and not force:
        return
    settings = settings or get_settings()
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME or force:
            root.removeHandler(existing)
    root.addHandler(make_handler(settings))
    root.setLevel(settings.log_level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("botocore").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    _configured = True
