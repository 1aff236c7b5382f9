"""The sandbox SMS gateway as a Starlette app, mounted at ``/sandbox/sms`` (``SANDBOX_SMS``).

    POST /sandbox/sms/api/messages   {"from", "to", "text"} with ``Authorization: Bearer <key>``
                                     → 201 {"id"}; the API of core/sms.py's ``http-json`` plugin
    GET  /sandbox/sms/?lang=en       the messages received, newest first, under a red SANDBOX banner

Messages are kept in ``<data_dir>/sandbox-sms/messages.db`` (SQLite), so every worker
shows the same list. Nothing is ever sent to a phone.
"""

from __future__ import annotations

import hmac
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from citizen_app.core.i18n import get_translator, normalize_locale, other_locale

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_PHONE = re.compile(r"^0\d{9}$")
MAX_TEXT = 1000
SHOWN = 100


class MessageStore:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = directory / "messages.db"
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, sender TEXT NOT NULL, "
                "recipient TEXT NOT NULL, body TEXT NOT NULL, received_at REAL NOT NULL)"
            )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            yield connection
        finally:
            connection.close()

    def add(self, sender: str, recipient: str, body: str) -> str:
        message_id = secrets.token_hex(8)
        with self._connect() as db:
            db.execute(
                "INSERT INTO messages VALUES (?, ?, ?, ?, ?)", (message_id, sender, recipient, body, time.time())
            )
        return message_id

    def latest(self, limit: int = SHOWN) -> list[dict[str, object]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, sender, recipient, body, received_at FROM messages ORDER BY received_at DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            {"id": r[0], "sender": r[1], "to": r[2], "text": r[3], "received_at": r[4]} for r in rows
        ]


def create_sms_sandbox_app(data_dir: Path, api_key: str) -> Starlette:
    store = MessageStore(data_dir / "sandbox-sms")

    async def receive(request: Request) -> Response:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), api_key.encode()):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        try:
            body = await request.json()
            sender, recipient, text = str(body["from"]), str(body["to"]), str(body["text"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "expected JSON with from, to and text"}, status_code=400)
        if not _PHONE.match(recipient) or not text or len(text) > MAX_TEXT:
            return JSONResponse({"error": "bad recipient or text"}, status_code=422)
        message_id = await run_in_threadpool(store.add, sender[:11], recipient, text)
        return JSONResponse({"id": message_id}, status_code=201)

    async def index(request: Request) -> Response:
        locale = normalize_locale(request.query_params.get("lang"))
        t = get_translator(locale)
        messages = await run_in_threadpool(store.latest)
        html = _TEMPLATES.get_template("index.html").render(
            _=t.gettext,
            t=t,
            locale=locale,
            other_locale=other_locale(locale),
            messages=messages,
            format_time=lambda ts: time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(ts)),
        )
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    return Starlette(routes=[Route("/api/messages", receive, methods=["POST"]), Route("/", index)])
