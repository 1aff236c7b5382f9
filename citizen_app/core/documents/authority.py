"""The certificate authority behind signed results: a plugin chosen by ``SIGNING_AUTHORITY``.

What the core needs from an authority (:class:`SigningAuthority`):

* an agency's signing key with its certificate and the chain up to a root (:meth:`agency_key`);
* the roots a signature must chain to, the revocation lists (CRL, DER) to check against and embed in
  each signed PDF, and the revocations with their reasons (:meth:`revocations`, what ``/d/<serial>``
  says about a result signed by a revoked certificate);
* revoking an agency's current certificate (a compromised key, :meth:`revoke_agency`): every result it
  signed then verifies as revoked, and the agency's next result is signed with another certificate.

Revoking one *result* is the register's business (``issuing.revoke``), not the authority's.

Two plugins ship with the app and are found by name in :data:`_SHIPPED`: the authority the app makes
for itself (``citizen_app.signing_sandbox``, the default) and one configured from PKCS#12 files and a
CRL (``pkcs12``, :mod:`citizen_app.core.documents.pkcs12`). Another registers itself with
:func:`register_authority`. The core only ever talks to the interface.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from citizen_app.settings import Settings, get_settings

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


class AuthorityError(RuntimeError):
    """The authority is misconfigured or cannot sign: the message tells the operator what to fix."""


@dataclass(frozen=True)
class AgencyKey:
    """The key and certificate an agency signs with, and the chain up to the root."""

    agency_code: str
    key: SigningKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # the signer's issuer first, the root last

    @property
    def root(self) -> x509.Certificate:
        return self.chain[-1] if self.chain else self.certificate


@dataclass(frozen=True)
class Revocation:
    serial: int  # of the revoked certificate
    revoked_at: datetime
    reason: str


class SigningAuthority(Protocol):
    # How a signature with no revocation information for its chain is judged: "hard-fail" when the
    # authority always has a CRL for every certificate, "soft-fail" when some may have none.
    revocation_mode: Literal["hard-fail", "soft-fail"]

    def check(self) -> None:
        """Raise :class:`AuthorityError` when the configuration cannot work (called at start-up)."""
        ...

    def agency_key(self, agency_code: str, agency_name: str) -> AgencyKey:
        """The key the agency signs with now (never a revoked one), or :class:`AuthorityError`."""
        ...

    def trust_roots(self) -> tuple[x509.Certificate, ...]: ...

    def crls(self) -> tuple[x509.CertificateRevocationList, ...]: ...

    def revocations(self) -> tuple[Revocation, ...]: ...

    def revoke_agency(self, agency_code: str, reason: str, now: datetime) -> Revocation:
        """Revoke the agency's current certificate; :class:`AuthorityError` when it has none."""
        ...


AuthorityFactory = Callable[[Settings], SigningAuthority]
_FACTORIES: dict[str, AuthorityFactory] = {}
# The plugins that ship with the app, imported when first named (each calls register_authority).
_SHIPPED = {"sandbox": "citizen_app.signing_sandbox.authority", "pkcs12": "citizen_app.core.documents.pkcs12"}
_built: dict[Settings, SigningAuthority] = {}
_lock = threading.Lock()


def register_authority(name: str, factory: AuthorityFactory) -> None:
    _FACTORIES[name] = factory


def authority_for(settings: Settings | None = None) -> SigningAuthority:
    """The configured authority (one per settings, kept for the process)."""
    settings = settings or get_settings()
    found = _built.get(settings)
    if found is not None:
        return found
    with _lock:
        found = _built.get(settings)
        if found is None:
            name = settings.signing_authority
            if name not in _FACTORIES and name in _SHIPPED:
                importlib.import_module(_SHIPPED[name])
            if name not in _FACTORIES:
                known = ", ".join(sorted({*_FACTORIES, *_SHIPPED}))
                raise AuthorityError(f"SIGNING_AUTHORITY={name!r} is not a known signing authority; known: {known}")
            found = _built[settings] = _FACTORIES[name](settings)
    return found


def forget_authorities() -> None:
    """Tests that change the environment build the authority again."""
    with _lock:
        _built.clear()


def check_configuration(settings: Settings | None = None) -> None:
    """At start-up: a misconfigured authority stops the app with a message saying what to fix."""
    authority_for(settings).check()


# --- what the rest of the core calls ----------------------------------------------------------------


def agency_key(agency_code: str, agency_name: str = "", settings: Settings | None = None) -> AgencyKey:
    return authority_for(settings).agency_key(agency_code, agency_name)


def trust_roots(settings: Settings | None = None) -> tuple[x509.Certificate, ...]:
    return authority_for(settings).trust_roots()


def crls(settings: Settings | None = None) -> tuple[x509.CertificateRevocationList, ...]:
    return authority_for(settings).crls()


def revocation_of(serial: int | str | None, settings: Settings | None = None) -> Revocation | None:
    """The revocation of the certificate with this serial number, if it was revoked."""
    try:
        number = int(serial or 0)
    except ValueError:
        return None
    if not number:
        return None
    return next((r for r in authority_for(settings).revocations() if r.serial == number), None)


def revoke_agency_certificate(agency_code: str, reason: str, settings: Settings | None = None,
                              now: datetime | None = None) -> Revocation:
    from citizen_app.db.base import utcnow

    return authority_for(settings).revoke_agency(agency_code, reason, now or utcnow())


def roots_pem(settings: Settings | None = None) -> bytes:
    """The roots to trust in a PDF reader, PEM (one after another)."""
    return b"".join(root.public_bytes(serialization.Encoding.PEM) for root in trust_roots(settings))


def crl_der(settings: Settings | None = None) -> bytes | None:
    """The first revocation list, DER (what ``/documents/ca.crl`` serves); None when there is none."""
    found = crls(settings)
    return found[0].public_bytes(serialization.Encoding.DER) if found else None
