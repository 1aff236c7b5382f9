"""The sandbox certificate authority: a root, one certificate per issuing agency, and its CRL, made by the app.

The app makes this authority the first time a result is signed, under
``Settings.keys_dir / "signing_ca"`` (mode 700, keys mode 600), so the backup command takes it
with the other keys. Nobody outside trusts its root: the pages that show signed documents carry the
red SANDBOX banner while it is in use (``SIGNING_AUTHORITY=sandbox``, the default).

* The root certificate (self-signed, 20 years) signs one certificate per agency code (5 years).
  Keys are ECDSA P-256: small signatures, and fast enough for the signing benchmark.
* Each agency certificate names a CRL distribution point (``/documents/ca.crl`` on the app), and the
  root's CRL is embedded in every signed PDF (pyHanko's DSS), so a signature can be checked offline.
* :meth:`SandboxAuthority.revoke_agency` puts the agency's current certificate on the CRL and the next
  signature gets a fresh one: a compromised key stops verifying, results signed before stay on record.

Several worker processes may create the authority at once: creation holds a lock file.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from citizen_app.core.documents.authority import AgencyKey, AuthorityError, Revocation, register_authority
from citizen_app.settings import Settings

FOLDER = "signing_ca"
ROOT_NAME = "Citizen App Results Root CA"
ROOT_YEARS = 20
AGENCY_YEARS = 5
CRL_DAYS = 7
_AGENCY_FILE = re.compile(r"[^A-Za-z0-9._-]")
_lock = threading.Lock()


def ca_dir(settings: Settings) -> Path:
    return settings.keys_dir / FOLDER


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _lock, open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _write_private(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    os.replace(temporary, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(common_name: str, organisation: str = "Citizen App sandbox") -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def crl_url(settings: Settings) -> str:
    return f"{settings.public_base_url}/documents/ca.crl"


def _make_root(folder: Path, now: datetime) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(ROOT_NAME)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(folder / "root.key.pem", _key_pem(key))
    (folder / "root.crt.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


_cert_cache: dict[tuple[str, float], x509.Certificate] = {}
_agency_cache: dict[tuple[str, str, float], AgencyKey] = {}
_revocations_cache: dict[tuple[str, float], tuple[Revocation, ...]] = {}
_crl_cache: dict[tuple[str, float], tuple[datetime, x509.CertificateRevocationList]] = {}


def _load_cert(path: Path) -> x509.Certificate:
    stamp = (str(path), path.stat().st_mtime)
    found = _cert_cache.get(stamp)
    if found is None:
        found = _cert_cache[stamp] = x509.load_pem_x509_certificate(path.read_bytes())
    return found


def _agency_stem(agency_code: str) -> str:
    return "agency-" + (_AGENCY_FILE.sub("_", agency_code) or "unknown")


def _issue_agency(folder: Path, root: x509.Certificate, agency_code: str, agency_name: str, cert_path: Path,
                  key_path: Path, settings: Settings) -> None:
    now = datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    root_key = _root_key(folder)
    common_name = (agency_name or agency_code)[:60]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, f"Agency {agency_code}"[:60]))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365 * AGENCY_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .add_extension(
            x509.CRLDistributionPoints([
                x509.DistributionPoint([x509.UniformResourceIdentifier(crl_url(settings))], None, None, None)
            ]),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    _write_private(key_path, _key_pem(key))
    _write_private(cert_path, certificate.public_bytes(serialization.Encoding.PEM))


def _root_key(folder: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key((folder / "root.key.pem").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


class SandboxAuthority:
    """The app's own root and agency certificates, in ``DATA_DIR/keys/signing_ca``."""

    revocation_mode: Literal["hard-fail", "soft-fail"] = "hard-fail"  # its CRL covers every agency certificate

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = ca_dir(settings)

    def check(self) -> None:
        try:
            self.root()
        except OSError as problem:
            raise AuthorityError(f"the sandbox signing authority cannot be kept in {self.folder}: {problem}") from problem

    def root(self) -> x509.Certificate:
        """The root every result chains to (made on first use)."""
        path = self.folder / "root.crt.pem"
        if not path.exists():
            with _locked(self.folder):
                if not path.exists():
                    _make_root(self.folder, datetime.now(UTC))
        return _load_cert(path)

    def trust_roots(self) -> tuple[x509.Certificate, ...]:
        return (self.root(),)

    def agency_key(self, agency_code: str, agency_name: str) -> AgencyKey:
        """Issued by the root on first use (or after a revocation)."""
        root = self.root()
        stem = _agency_stem(agency_code)
        cert_path, key_path = self.folder / f"{stem}.crt.pem", self.folder / f"{stem}.key.pem"
        if not cert_path.exists():
            with _locked(self.folder):
                if not cert_path.exists():
                    _issue_agency(self.folder, root, agency_code, agency_name, cert_path, key_path, self.settings)
        stamp = (str(self.folder), stem, cert_path.stat().st_mtime)
        found = _agency_cache.get(stamp)
        if found is None:
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            found = _agency_cache[stamp] = AgencyKey(agency_code, key, _load_cert(cert_path), (root,))
        return found

    def revocations(self) -> tuple[Revocation, ...]:
        path = self.folder / "revoked.json"
        try:
            stamp = (str(path), path.stat().st_mtime)
        except FileNotFoundError:
            return ()
        found = _revocations_cache.get(stamp)
        if found is None:
            found = _revocations_cache[stamp] = tuple(
                Revocation(int(item["serial"]), datetime.fromisoformat(item["at"]), str(item.get("reason", "")))
                for item in json.loads(path.read_text())
            )
        return found

    def revoke_agency(self, agency_code: str, reason: str, now: datetime) -> Revocation:
        """Put the agency's current certificate on the CRL; its next signature gets a new one."""
        stem = _agency_stem(agency_code)
        cert_path = self.folder / f"{stem}.crt.pem"
        with _locked(self.folder):
            if not cert_path.exists():
                raise AuthorityError(f"agency {agency_code!r} has no signing certificate to revoke")
            current = _load_cert(cert_path)
            revocation = Revocation(current.serial_number, now, reason[:200])
            listed = [
                {"serial": str(r.serial), "at": r.revoked_at.isoformat(), "reason": r.reason}
                for r in self.revocations()
            ]
            listed.append({"serial": str(revocation.serial), "at": now.isoformat(), "reason": revocation.reason})
            _write_private(self.folder / "revoked.json", json.dumps(listed).encode())
            for suffix in (".crt.pem", ".key.pem"):
                (self.folder / f"{stem}{suffix}").unlink(missing_ok=True)
        _crl_cache.clear()
        return revocation

    def crls(self) -> tuple[x509.CertificateRevocationList, ...]:
        """The root's CRL, made afresh when a revocation is added and a day before it would expire."""
        root = self.root()
        revoked_path = self.folder / "revoked.json"
        stamp = (str(self.folder), revoked_path.stat().st_mtime if revoked_path.exists() else 0.0)
        now = datetime.now(UTC)
        cached = _crl_cache.get(stamp)
        if cached is not None and cached[0] > now + timedelta(days=1):
            return (cached[1],)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(root.subject)
            .last_update(now - timedelta(minutes=5))
            .next_update(now + timedelta(days=CRL_DAYS))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
        )
        for item in self.revocations():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(item.serial).revocation_date(item.revoked_at).build()
            )
        crl = builder.sign(_root_key(self.folder), hashes.SHA256())
        _crl_cache.clear()
        _crl_cache[stamp] = (now + timedelta(days=CRL_DAYS), crl)
        return (crl,)


register_authority("sandbox", SandboxAuthority)
