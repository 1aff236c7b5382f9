"""The sandbox card gateway and the sandbox bank (issue 11), mounted on the app's server (``SANDBOX_PAYMENTS``).

Gateway, at ``/sandbox/gateway`` (VNPAY API v2.1.0 compatible):

    GET  /paymentv2/vpcpay.html?vnp_…            the payment page: checks the signature, then Approve /
                                                 Decline / Cancel (and "approve without notifying", to
                                                 try the reconciliation)
    POST /paymentv2/decide                       sends the signed IPN to the merchant, then the citizen
                                                 back to vnp_ReturnUrl with the same signed fields
    POST /merchant_webapi/api/transaction        ``querydr``: the status of an order, signed

Bank, at ``/sandbox/bank`` (what a banking app does with a VietQR code):

    GET  /?payload=…                             reads a scanned VietQR payload (CRC checked) and offers
                                                 Transfer / Decline / Cancel
    POST /transfer                               makes the transfer and notifies the merchant's webhook
                                                 (JSON signed with HMAC-SHA256 in X-Signature)
    GET  /api/transactions?reference=…           transfers into an account (bearer key): reconciliation

Both keep what they did in ``<data_dir>/sandbox-payments/`` (SQLite) and show a red SANDBOX banner in
both languages. No money moves, ever. The app's core does not know these are sandboxes: it talks to
them through the same plugins and URLs a real gateway and bank would get.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import httpx
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from citizen_app.core.i18n import get_translator, normalize_locale, other_locale
from citizen_app.core.payments import vietqr, vnpay
from citizen_app.settings import Settings

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
DECISIONS = {
    # decision -> (vnp_ResponseCode, vnp_TransactionStatus)
    "approve": ("00", "00"),
    "approve_silently": ("00", "00"),
    "decline": ("51", "02"),  # insufficient funds
    "cancel": ("24", "02"),  # the customer cancelled
}


class Ledger:
    """What the sandboxes did, shared by every worker (SQLite in the data directory)."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = directory / "ledger.db"
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS records (kind TEXT NOT NULL, reference TEXT NOT NULL, "
                "data TEXT NOT NULL, at REAL NOT NULL)"
            )
            db.execute("CREATE INDEX IF NOT EXISTS ix_records_ref ON records (kind, reference)")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            yield connection
        finally:
            connection.close()

    def add(self, kind: str, reference: str, data: Mapping[str, Any]) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO records VALUES (?, ?, ?, ?)", (kind, reference, json.dumps(dict(data)), time.time()))

    def find(self, kind: str, reference: str) -> list[dict[str, Any]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT data FROM records WHERE kind = ? AND reference = ? ORDER BY at", (kind, reference)
            ).fetchall()
        return [json.loads(row[0]) for row in rows]


def _page(template: str, request: Request, **context: Any) -> HTMLResponse:
    locale = normalize_locale(request.query_params.get("lang") or context.pop("locale", None))
    t = get_translator(locale)
    html = _TEMPLATES.get_template(template).render(
        _=t.gettext, t=t, locale=locale, other_locale=other_locale(locale), **context
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


def _notify(url: str, timeout: float, **kwargs: Any) -> str:
    """Call the merchant; a merchant that is down does not stop the sandbox (it says so)."""
    try:
        with httpx.Client(timeout=timeout) as client:
            answer = client.request(url=url, **kwargs)
        return answer.text[:200]
    except httpx.HTTPError as problem:
        return f"unreachable: {problem!r}"[:200]


def create_gateway_sandbox_app(settings: Settings) -> Starlette:
    ledger = Ledger(settings.data_dir / "sandbox-payments")
    secret, tmn_code = settings.vnpay_hash_secret, settings.vnpay_tmn_code
    ipn_url = f"{settings.public_base_url}/payments/vnpay/ipn"

    async def pay(request: Request) -> Response:
        params = dict(request.query_params)
        locale = "en" if params.get("vnp_Locale") == "en" else "vi"
        valid = vnpay.verify(params, secret) and params.get("vnp_TmnCode") == tmn_code
        shown = normalize_locale(request.query_params.get("lang") or locale)
        switch = {k: v for k, v in params.items() if k != "lang"}
        switch["lang"] = other_locale(shown)
        return _page(
            "gateway.html", request, locale=locale, valid=valid,
            params={k: v for k, v in params.items() if k != "lang"},
            switch_href="?" + "&".join(f"{k}={quote_plus(v)}" for k, v in switch.items()),
            amount=get_translator(normalize_locale(request.query_params.get("lang") or locale)).format_money(
                vnpay.amount_vnd(params) or 0
            ),
        )

    async def decide(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        decision = form.pop("decision", "cancel")
        if decision not in DECISIONS or not vnpay.verify(form, secret):
            return JSONResponse({"error": "invalid request"}, status_code=400)
        response_code, status = DECISIONS[decision]
        now = datetime.now(UTC)
        answer = {
            "vnp_Amount": form["vnp_Amount"],
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": f"VNP{secrets.randbelow(10**8):08d}",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": form.get("vnp_OrderInfo", ""),
            "vnp_PayDate": vnpay.vnp_time(now),
            "vnp_ResponseCode": response_code,
            "vnp_TmnCode": form["vnp_TmnCode"],
            "vnp_TransactionNo": f"{14000000 + secrets.randbelow(10**6)}",
            "vnp_TransactionStatus": status,
            "vnp_TxnRef": form["vnp_TxnRef"],
        }
        answer["vnp_SecureHash"] = vnpay.sign(answer, secret)
        await run_in_threadpool(ledger.add, "gateway", form["vnp_TxnRef"], answer)
        if decision != "approve_silently":
            await run_in_threadpool(_notify, ipn_url, settings.payment_timeout_seconds, method="GET", params=answer)
        query = vnpay.signed_text(answer) + "&vnp_SecureHash=" + quote_plus(answer["vnp_SecureHash"])
        return RedirectResponse(f"{form['vnp_ReturnUrl']}?{query}", status_code=303)

    async def querydr(request: Request) -> Response:
        try:
            asked = await request.json()
            expected = vnpay.secure_hash(secret, "|".join(str(asked[f]) for f in vnpay.QUERY_REQUEST_FIELDS))
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"vnp_ResponseCode": "03", "vnp_Message": "Invalid data format"})
        if asked.get("vnp_SecureHash") != expected:
            return JSONResponse({"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"})
        found = await run_in_threadpool(ledger.find, "gateway", str(asked["vnp_TxnRef"]))
        if not found:
            answer = {"vnp_ResponseId": secrets.token_hex(8), "vnp_Command": "querydr", "vnp_ResponseCode": "91",
                      "vnp_Message": "Transaction not found", "vnp_TmnCode": tmn_code,
                      "vnp_TxnRef": asked["vnp_TxnRef"]}
        else:
            last = found[-1]
            answer = {
                "vnp_ResponseId": secrets.token_hex(8), "vnp_Command": "querydr", "vnp_ResponseCode": "00",
                "vnp_Message": "QueryDR Success", "vnp_TmnCode": tmn_code, "vnp_TxnRef": last["vnp_TxnRef"],
                "vnp_Amount": last["vnp_Amount"], "vnp_BankCode": last["vnp_BankCode"],
                "vnp_PayDate": last["vnp_PayDate"], "vnp_TransactionNo": last["vnp_TransactionNo"],
                "vnp_TransactionType": "01", "vnp_TransactionStatus": last["vnp_TransactionStatus"],
                "vnp_OrderInfo": last["vnp_OrderInfo"], "vnp_PromotionCode": "", "vnp_PromotionAmount": "",
            }
        answer["vnp_SecureHash"] = vnpay.sign_query_response(answer, secret)
        return JSONResponse(answer)

    return Starlette(
        routes=[
            Route("/paymentv2/vpcpay.html", pay),
            Route("/paymentv2/decide", decide, methods=["POST"]),
            Route("/merchant_webapi/api/transaction", querydr, methods=["POST"]),
        ]
    )


def create_bank_sandbox_app(settings: Settings) -> Starlette:
    ledger = Ledger(settings.data_dir / "sandbox-payments")
    webhook_url = f"{settings.public_base_url}/payments/vietqr/webhook"

    def _read(raw: str) -> vietqr.DecodedTransfer | None:
        try:
            return vietqr.decode(raw.strip())
        except vietqr.InvalidPayload:
            return None

    async def index(request: Request) -> Response:
        raw = request.query_params.get("payload", "")
        transfer = _read(raw) if raw else None
        t = get_translator(normalize_locale(request.query_params.get("lang")))
        return _page(
            "bank.html", request, payload=raw, transfer=transfer, unreadable=bool(raw) and transfer is None,
            amount=t.format_money(transfer.amount_vnd) if transfer else "", done=None,
        )

    async def transfer(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        decoded = _read(form.get("payload", ""))
        decision = form.get("decision", "cancel")
        if decoded is None:
            return JSONResponse({"error": "unreadable VietQR payload"}, status_code=400)
        if decision != "approve":
            return _page("bank.html", request, payload="", transfer=None, unreadable=False, amount="", done=decision)
        item = {
            "transaction_id": f"FT{int(time.time())}{secrets.randbelow(10**6):06d}",
            "account_number": decoded.account_number,
            "amount": decoded.amount_vnd,
            "currency": "VND" if decoded.currency == vietqr.CURRENCY_VND else decoded.currency,
            "description": decoded.description,
            "reference": decoded.reference,
            "status": "success",
            "transaction_time": datetime.now(UTC).isoformat(),
        }
        await run_in_threadpool(ledger.add, "bank", decoded.reference, item)
        body = json.dumps(item).encode()
        await run_in_threadpool(
            _notify, webhook_url, settings.payment_timeout_seconds, method="POST", content=body,
            headers={"Content-Type": "application/json",
                     "X-Signature": vietqr.webhook_signature(settings.vietqr_webhook_secret, body)},
        )
        return _page("bank.html", request, payload="", transfer=None, unreadable=False, amount="", done="approve")

    async def transactions(request: Request) -> Response:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not secrets.compare_digest(given.encode(), settings.vietqr_api_key.encode()):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        reference = request.query_params.get("reference", "")
        found = await run_in_threadpool(ledger.find, "bank", reference)
        return JSONResponse({"transactions": found})

    return Starlette(
        routes=[
            Route("/", index),
            Route("/transfer", transfer, methods=["POST"]),
            Route("/api/transactions", transactions),
        ]
    )
