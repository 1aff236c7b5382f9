"""A certificate authority configured by the operator: agency keys from PKCS#12 files, and the CA's CRL.

``SIGNING_AUTHORITY=pkcs12`` with

* ``SIGNING_PKCS12="H01.01=/etc/dvc/h01.p12 *=/etc/dvc/province.p12"``: each agency code's key, its
  certificate and the chain the CA issued with it, as one PKCS#12 file; ``*`` for any agency without
  a file of its own. ``SIGNING_PKCS12_PASSWORD`` opens them.
* ``SIGNING_TRUST_ROOTS``: a PEM file of the roots a result must chain to (default: the self-signed
  certificates at the top of the files' chains).
* ``SIGNING_CRL``: the CA's revocation lists, each a file (DER or PEM) or an ``http(s)`` address,
  fetched again when it says its next update is due (at most hourly).

The CA itself revokes its certificates; the app cannot sign its CRL. Revoking an agency here
(``documents revoke-agency``) records the certificate as revoked *for this app* in
``DATA_DIR/keys/signing_withdrawn.json`` (so ``/d/<number>`` says so at once, with the reason) and
refuses to sign with it: the operator asks the CA to revoke it and installs the agency's new file.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from citizen_app.core.documents.authority import AgencyKey, AuthorityError, Revocation, register_authority
from citizen_app.settings import Settings

log = logging.getLogger(__name__)
ANY_AGENCY = "*"
CRL_REFRESH = timedelta(hours=1)
CRL_TIMEOUT_SECONDS = 5.0
WITHDRAWN_FILE = "signing_withdrawn.json"


@dataclass(frozen=True)
class _Loaded:
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def _self_signed(certificate: x509.Certificate) -> bool:
    return certificate.issuer == certificate.subject


def _issued_by(certificate: x509.Certificate, root: x509.Certificate) -> bool:
    if certificate == root:
        return True
    try:
        certificate.verify_directly_issued_by(root)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _ordered_chain(certificate: x509.Certificate, others: list[x509.Certificate]) -> tuple[x509.Certificate, ...]:
    """The file's other certificates from the signer's issuer up to the root (PKCS#12 keeps no order)."""
    chain: list[x509.Certificate] = []
    current = certificate
    pool = list(others)
    while not _self_signed(current):
        issuer = next((c for c in pool if c.subject == current.issuer), None)
        if issuer is None:
            break
        chain.append(issuer)
        pool.remove(issuer)
        current = issuer
    return tuple(chain)


def _reason_of(entry: x509.RevokedCertificate) -> str:
    try:
        return str(entry.extensions.get_extension_for_class(x509.CRLReason).value.reason.name)
    except x509.ExtensionNotFound:
        return ""


class Pkcs12Authority:
    revocation_mode: Literal["hard-fail", "soft-fail"] = "soft-fail"  # a CA's CRL may not cover every intermediate

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.files = dict(settings.signing_pkcs12)
        self.password = settings.signing_pkcs12_password.encode() or None
        self.roots_file = settings.signing_trust_roots
        self.crl_sources = settings.signing_crl
        self.withdrawn_path = settings.keys_dir / WITHDRAWN_FILE
        self.transport = transport
        self._lock = threading.Lock()
        self._loaded: dict[tuple[str, float], _Loaded] = {}
        self._crls: dict[str, tuple[datetime, x509.CertificateRevocationList]] = {}
        self._crl_files: dict[str, tuple[float, x509.CertificateRevocationList]] = {}
        self._withdrawn: tuple[float, tuple[Revocation, ...]] | None = None

    # --- configuration --------------------------------------------------------------------------------

    def check(self) -> None:
        if not self.files:
            raise AuthorityError("SIGNING_AUTHORITY=pkcs12 needs SIGNING_PKCS12 (agency-code=/path/file.p12 ...)")
        roots = self.trust_roots()
        if not roots:
            raise AuthorityError(
                "no root to trust: the PKCS#12 files' chains end in no self-signed certificate; "
                "set SIGNING_TRUST_ROOTS to the CA's root certificates (PEM)"
            )
        now = datetime.now(UTC)
        for code, path in self.files.items():
            loaded = self._load(path)
            if loaded.certificate.not_valid_after_utc <= now:
                raise AuthorityError(f"SIGNING_PKCS12: the certificate in {path} (agency {code}) expired on "
                                     f"{loaded.certificate.not_valid_after_utc:%Y-%m-%d}")
            top = loaded.chain[-1] if loaded.chain else loaded.certificate
            if not any(_issued_by(top, root) for root in roots):
                raise AuthorityError(f"SIGNING_PKCS12: the certificate in {path} (agency {code}) does not chain to "
                                     "a root in SIGNING_TRUST_ROOTS; put the CA's chain in the file")
        for source in self.crl_sources:
            if not source.startswith(("http://", "https://")):
                self._crl_file(source)  # a missing or unreadable file stops the app; a URL may be down for now

    def _load(self, path: Path) -> _Loaded:
        try:
            stamp = (str(path), path.stat().st_mtime)
        except OSError as problem:
            raise AuthorityError(f"SIGNING_PKCS12: cannot read {path}: {problem.strerror or problem}") from problem
        found = self._loaded.get(stamp)
        if found is not None:
            return found
        try:
            key, certificate, others = pkcs12.load_key_and_certificates(path.read_bytes(), self.password)
        except (ValueError, TypeError) as problem:
            raise AuthorityError(f"SIGNING_PKCS12: {path} could not be opened (not a PKCS#12 file, or "
                                 "SIGNING_PKCS12_PASSWORD is wrong)") from problem
        if certificate is None or key is None:
            raise AuthorityError(f"SIGNING_PKCS12: {path} must hold the agency's private key and its certificate")
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            raise AuthorityError(f"SIGNING_PKCS12: the key in {path} is {type(key).__name__}; use an EC or RSA key")
        found = _Loaded(key, certificate, _ordered_chain(certificate, list(others)))
        self._loaded[stamp] = found
        return found

    def trust_roots(self) -> tuple[x509.Certificate, ...]:
        if self.roots_file is not None:
            try:
                return tuple(x509.load_pem_x509_certificates(self.roots_file.read_bytes()))
            except (OSError, ValueError) as problem:
                raise AuthorityError(f"SIGNING_TRUST_ROOTS: {self.roots_file} is not a readable PEM file of "
                                     f"certificates: {problem}") from problem
        roots: list[x509.Certificate] = []
        for path in self.files.values():
            loaded = self._load(path)
            top = loaded.chain[-1] if loaded.chain else loaded.certificate
            if _self_signed(top) and top not in roots:
                roots.append(top)
        return tuple(roots)

    # --- signing --------------------------------------------------------------------------------------

    def _file_of(self, agency_code: str) -> Path:
        path = self.files.get(agency_code) or self.files.get(ANY_AGENCY)
        if path is None:
            raise AuthorityError(f"no signing key for agency {agency_code!r}: add {agency_code}=/path/file.p12 "
                                 "(or *=/path/file.p12) to SIGNING_PKCS12")
        return path

    def agency_key(self, agency_code: str, agency_name: str) -> AgencyKey:
        path = self._file_of(agency_code)
        loaded = self._load(path)
        revoked = next((r for r in self.revocations() if r.serial == loaded.certificate.serial_number), None)
        if revoked is not None:
            raise AuthorityError(
                f"the certificate of agency {agency_code!r} in {path} was revoked on {revoked.revoked_at:%Y-%m-%d}: "
                "install the agency's new PKCS#12 file from the CA, then sign again"
            )
        return AgencyKey(agency_code, loaded.key, loaded.certificate, loaded.chain)

    # --- revocation -----------------------------------------------------------------------------------

    def _crl_file(self, source: str) -> x509.CertificateRevocationList:
        """Read again whenever the file changes (the CA's new list copied over it)."""
        path = Path(source)
        try:
            mtime = path.stat().st_mtime
            cached = self._crl_files.get(source)
            if cached is not None and cached[0] == mtime:
                return cached[1]
            data = path.read_bytes()
        except OSError as problem:
            raise AuthorityError(f"SIGNING_CRL: cannot read {path}: {problem.strerror or problem}") from problem
        try:
            crl = (x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----")
                   else x509.load_der_x509_crl(data))
        except ValueError as problem:
            raise AuthorityError(f"SIGNING_CRL: {path} is not a CRL (DER or PEM)") from problem
        self._crl_files[source] = (mtime, crl)
        return crl

    def _crl_url(self, url: str, now: datetime) -> x509.CertificateRevocationList | None:
        cached = self._crls.get(url)
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            with httpx.Client(timeout=CRL_TIMEOUT_SECONDS, transport=self.transport) as client:
                answer = client.get(url)
            answer.raise_for_status()
            crl = x509.load_der_x509_crl(answer.content)
        except (httpx.HTTPError, ValueError) as problem:
            log.warning("CRL %s could not be fetched: %r; keeping the last one", url, problem)
            return cached[1] if cached is not None else None
        due = crl.next_update_utc or now + CRL_REFRESH
        self._crls[url] = (min(due, now + CRL_REFRESH), crl)
        return crl

    def crls(self) -> tuple[x509.CertificateRevocationList, ...]:
        now = datetime.now(UTC)
        found: list[x509.CertificateRevocationList] = []
        for source in self.crl_sources:
            crl = self._crl_url(source, now) if source.startswith(("http://", "https://")) else self._crl_file(source)
            if crl is not None:
                found.append(crl)
        return tuple(found)

    def _withdrawn_here(self) -> tuple[Revocation, ...]:
        try:
            mtime = self.withdrawn_path.stat().st_mtime
        except FileNotFoundError:
            return ()
        if self._withdrawn is None or self._withdrawn[0] != mtime:
            items = json.loads(self.withdrawn_path.read_text())
            self._withdrawn = (mtime, tuple(
                Revocation(int(i["serial"]), datetime.fromisoformat(i["at"]), str(i.get("reason", ""))) for i in items
            ))
        return self._withdrawn[1]

    def revocations(self) -> tuple[Revocation, ...]:
        """Revoked here (with the operator's reason) first, then what the CA's CRLs list."""
        found = list(self._withdrawn_here())
        known = {r.serial for r in found}
        for crl in self.crls():
            for entry in crl:
                if entry.serial_number not in known:
                    known.add(entry.serial_number)
                    found.append(Revocation(entry.serial_number, entry.revocation_date_utc, _reason_of(entry)))
        return tuple(found)

    def revoke_agency(self, agency_code: str, reason: str, now: datetime) -> Revocation:
        path = self._file_of(agency_code)
        certificate = self._load(path).certificate
        revocation = Revocation(certificate.serial_number, now, reason[:200])
        with self._lock:
            listed = [
                {"serial": str(r.serial), "at": r.revoked_at.isoformat(), "reason": r.reason}
                for r in self._withdrawn_here() if r.serial != revocation.serial
            ]
            listed.append({"serial": str(revocation.serial), "at": now.isoformat(), "reason": revocation.reason})
            self.withdrawn_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = self.withdrawn_path.with_suffix(".tmp")
            temporary.write_text(json.dumps(listed))
            temporary.replace(self.withdrawn_path)
        log.warning("agency %s: certificate %x in %s revoked for this app; ask the CA to revoke it and install "
                    "the agency's new PKCS#12 file", agency_code, revocation.serial, path)
        return revocation


register_authority("pkcs12", Pkcs12Authority)
