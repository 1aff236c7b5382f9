"""Payment provider plugins behind one registry, like the identity and SMS providers.

A provider is built from the settings by its factory (``register_provider``); the app offers
those named in ``PAYMENT_PROVIDERS``, in that order. Two kinds:

* ``redirect``: the citizen goes to the provider's page and comes back (``checkout_url``); the
  provider confirms by a server-to-server notification (``read_notification``).
* ``qr``: the app shows a code the citizen's banking app scans (``qr_payload``); the bank
  notifies a webhook (``read_notification``).

Both answer ``query`` (the reconciliation job's status query for an order whose notification
never came). Nothing here knows whether the other end is a sandbox.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

import httpx

from citizen_app.core.i18n import N_
from citizen_app.core.payments import vietqr, vnpay
from citizen_app.core.payments.ledger import Notification
from citizen_app.settings import Settings

log = logging.getLogger(__name__)

Kind = Literal["redirect", "qr"]


@dataclass(frozen=True)
class Order:
    """What a provider needs to know about one payment order."""

    order_ref: str
    amount_vnd: int
    dossier_code: str
    created_at: datetime


class PaymentProvider(Protocol):
    key: str
    kind: Kind
    label: str  # message id, rendered in the reader's language

    def query(self, order: Order, now: datetime) -> Notification | None:
        """The provider's word on an order (None: it does not know yet, or could not be reached)."""
        ...


class ProviderUnavailable(RuntimeError):
    """The provider did not answer in time, or answered nonsense: nothing changes, try again later."""


class VnpayGateway:
    key = "vnpay"
    kind: Kind = "redirect"
    label = N_("Card or e-wallet (VNPAY)")

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.payment_url = settings.vnpay_payment_url
        self.api_url = settings.vnpay_api_url
        self.tmn_code = settings.vnpay_tmn_code
        self.secret = settings.vnpay_hash_secret
        self.timeout = settings.payment_timeout_seconds
        self.transport = transport

    def checkout_url(self, order: Order, *, return_url: str, ip_address: str, locale: str, now: datetime) -> str:
        request = vnpay.PaymentRequest(
            tmn_code=self.tmn_code,
            order_ref=order.order_ref,
            amount_vnd=order.amount_vnd,
            order_info=f"Thanh toan le phi ho so {order.dossier_code}",
            return_url=return_url,
            ip_address=ip_address or "127.0.0.1",
            created_at=now,
            locale="en" if locale == "en" else "vn",
        )
        return vnpay.payment_url(self.payment_url, request, self.secret)

    def read_notification(self, params: Mapping[str, str]) -> Notification:
        """An IPN or a return URL's parameters (the same signed fields)."""
        ok = vnpay.verify(params, self.secret) and params.get("vnp_TmnCode") == self.tmn_code
        return Notification(
            provider=self.key,
            signature_ok=ok,
            success=vnpay.is_paid(params),
            cancelled=params.get("vnp_ResponseCode") == vnpay.CANCELLED,
            order_ref=params.get("vnp_TxnRef") or None,
            amount_vnd=vnpay.amount_vnd(params),
            currency=params.get("vnp_CurrCode", "VND") or "VND",
            provider_txn=params.get("vnp_TransactionNo") or None,
            payload=dict(params),
        )

    def query(self, order: Order, now: datetime) -> Notification | None:
        params = vnpay.query_params(
            tmn_code=self.tmn_code, order_ref=order.order_ref, transaction_date=order.created_at, now=now,
            request_id=uuid.uuid4().hex[:32], ip_address="127.0.0.1", secret=self.secret,
        )
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                answer = client.post(self.api_url, json=params)
            data = answer.json()
        except (httpx.HTTPError, ValueError) as problem:
            raise ProviderUnavailable(f"vnpay querydr {order.order_ref}: {problem!r}") from problem
        if not isinstance(data, dict) or not vnpay.query_response_valid(data, self.secret):
            raise ProviderUnavailable(f"vnpay querydr {order.order_ref}: unsigned or malformed answer")
        if data.get("vnp_ResponseCode") != "00":
            return None  # not found at the gateway (never paid there) or another error: leave it pending
        status = data.get("vnp_TransactionStatus")
        if status == "01":
            return None  # still in progress at the gateway
        return Notification(
            provider=self.key,
            signature_ok=True,
            success=status == "00",
            cancelled=status == "02",
            order_ref=data.get("vnp_TxnRef"),
            amount_vnd=vnpay.amount_vnd(data),
            provider_txn=data.get("vnp_TransactionNo") or None,
            payload={**data, "via": "querydr"},
        )


class VietQrTransfer:
    key = "vietqr"
    kind: Kind = "qr"
    label = N_("Bank transfer by VietQR")

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.bank_bin = settings.vietqr_bank_bin
        self.account_number = settings.vietqr_account_number
        self.account_name = settings.vietqr_account_name
        self.webhook_secret = settings.vietqr_webhook_secret
        self.api_url = settings.vietqr_api_url
        self.api_key = settings.vietqr_api_key
        self.timeout = settings.payment_timeout_seconds
        self.transport = transport

    def qr_payload(self, order: Order) -> str:
        return vietqr.payload(
            vietqr.TransferRequest(
                bank_bin=self.bank_bin,
                account_number=self.account_number,
                amount_vnd=order.amount_vnd,
                description=order.dossier_code,
                reference=order.order_ref,
            )
        )

    def read_notification(self, body: bytes, signature: str) -> Notification:
        ok = vietqr.webhook_signature_ok(self.webhook_secret, body, signature)
        try:
            data = json.loads(body.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except (UnicodeDecodeError, ValueError):
            return Notification(provider=self.key, signature_ok=False, success=False, payload={"body": body[:500]})
        return self._notification(data, signature_ok=ok and data.get("account_number") == self.account_number)

    def _notification(self, data: Mapping[str, object], *, signature_ok: bool) -> Notification:
        try:
            amount: int | None = int(str(data.get("amount")))
        except ValueError:
            amount = None
        description = str(data.get("description") or "")
        return Notification(
            provider=self.key,
            signature_ok=signature_ok,
            success=str(data.get("status", "success")) == "success",
            order_ref=str(data.get("reference") or "") or None,
            amount_vnd=amount,
            currency=str(data.get("currency") or "VND"),
            provider_txn=str(data.get("transaction_id") or "") or None,
            dossier_code=description.strip().split(" ")[0] or None,
            payload=dict(data),
        )

    def query(self, order: Order, now: datetime) -> Notification | None:
        try:
            with httpx.Client(timeout=self.timeout, transport=self.transport) as client:
                answer = client.get(
                    self.api_url,
                    params={"reference": order.order_ref, "account_number": self.account_number},
                    headers={"Authorization": f"Bearer {self.api_key}"},
                )
            answer.raise_for_status()
            found = answer.json().get("transactions", [])
        except (httpx.HTTPError, ValueError, AttributeError) as problem:
            raise ProviderUnavailable(f"bank query {order.order_ref}: {problem!r}") from problem
        for item in found:
            if isinstance(item, dict) and item.get("reference") == order.order_ref:
                return self._notification({**item, "via": "query"}, signature_ok=True)
        return None


ProviderFactory = Callable[[Settings], PaymentProvider]
_FACTORIES: dict[str, ProviderFactory] = {"vnpay": VnpayGateway, "vietqr": VietQrTransfer}


def register_provider(key: str, factory: ProviderFactory) -> None:
    _FACTORIES[key] = factory


def enabled_providers(settings: Settings) -> list[PaymentProvider]:
    """The providers offered to citizens, in the configured order; unknown names are skipped (logged)."""
    found: list[PaymentProvider] = []
    for key in settings.payment_providers:
        factory = _FACTORIES.get(key)
        if factory is None:
            log.warning("PAYMENT_PROVIDERS names %r, which no plugin provides", key)
            continue
        found.append(factory(settings))
    return found


def provider(settings: Settings, key: str) -> PaymentProvider | None:
    return next((p for p in enabled_providers(settings) if p.key == key), None)
