"""The certificate authority that signs results: a root, one certificate per issuing agency, and its CRL.

The app makes its own authority the first time a result is signed, under
``Settings.keys_dir / "signing_ca"`` (mode 700, keys mode 600), so the backup command takes it
with the other keys. In production the agency keys would be the ones the government CA issued;
this module is the only place that knows where keys come from.

* The root certificate (self-signed, 20 years) signs one certificate per agency code (5 years).
  Keys are ECDSA P-256: small signatures, and fast enough for the signing benchmark.
* Each agency certificate names a CRL distribution point (``/documents/ca.crl`` on the app), and the
  root's CRL is embedded in every signed PDF (pyHanko's DSS), so a signature can be checked offline.
* :func:`revoke_agency_certificate` puts the agency's current certificate on the CRL and the next
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from citizen_app.settings import Settings, get_settings

FOLDER = "signing_ca"
ROOT_NAME = "Citizen App Results Root CA"
ROOT_YEARS = 20
AGENCY_YEARS = 5
CRL_DAYS = 7
_AGENCY_FILE = re.compile(r"[^A-Za-z0-9._-]")
_lock = threading.Lock()


@dataclass(frozen=True)
class AgencyKey:
    """The key and certificate an agency signs with, and the chain up to the root."""

    agency_code: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    root: x509.Certificate


@dataclass(frozen=True)
class Revocation:
    serial: int
    revoked_at: datetime
    reason: str


def ca_dir(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).keys_dir / FOLDER


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


def crl_url(settings: Settings | None = None) -> str:
    return f"{(settings or get_settings()).public_base_url}/documents/ca.crl"


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


def root_certificate(settings: Settings | None = None) -> x509.Certificate:
    """The root every result chains to (made on first use)."""
    folder = ca_dir(settings)
    path = folder / "root.crt.pem"
    if not path.exists():
        with _locked(folder):
            if not path.exists():
                _make_root(folder, datetime.now(UTC))
    return _load_cert(path)


def _root_key(folder: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key((folder / "root.key.pem").read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key


_cert_cache: dict[tuple[str, float], x509.Certificate] = {}
_agency_cache: dict[tuple[str, str, float], AgencyKey] = {}


def _load_cert(path: Path) -> x509.Certificate:
    stamp = (str(path), path.stat().st_mtime)
    found = _cert_cache.get(stamp)
    if found is None:
        found = _cert_cache[stamp] = x509.load_pem_x509_certificate(path.read_bytes())
    return found


def _agency_stem(agency_code: str) -> str:
    return "agency-" + (_AGENCY_FILE.sub("_", agency_code) or "unknown")


def agency_key(agency_code: str, agency_name: str = "", settings: Settings | None = None) -> AgencyKey:
    """The agency's signing key and certificate; issued by the root on first use (or after a revocation)."""
    settings = settings or get_settings()
    root = root_certificate(settings)
    folder = ca_dir(settings)
    stem = _agency_stem(agency_code)
    cert_path, key_path = folder / f"{stem}.crt.pem", folder / f"{stem}.key.pem"
    if not cert_path.exists():
        with _locked(folder):
            if not cert_path.exists():
                _issue_agency(folder, root, agency_code, agency_name, cert_path, key_path, settings)
    stamp = (str(folder), stem, cert_path.stat().st_mtime)
    found = _agency_cache.get(stamp)
    if found is None:
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        found = _agency_cache[stamp] = AgencyKey(agency_code, key, _load_cert(cert_path), root)
    return found


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


# --- revocation ---------------------------------------------------------------------------------------


def revocations(settings: Settings | None = None) -> list[Revocation]:
    path = ca_dir(settings) / "revoked.json"
    if not path.exists():
        return []
    return [
        Revocation(int(item["serial"]), datetime.fromisoformat(item["at"]), str(item.get("reason", "")))
        for item in json.loads(path.read_text())
    ]


def revoke_agency_certificate(agency_code: str, reason: str, settings: Settings | None = None) -> int:
    """Put the agency's current certificate on the CRL; its next signature gets a new one. The serial."""
    settings = settings or get_settings()
    current = agency_key(agency_code, settings=settings)
    folder = ca_dir(settings)
    with _locked(folder):
        listed = [
            {"serial": str(r.serial), "at": r.revoked_at.isoformat(), "reason": r.reason}
            for r in revocations(settings)
        ]
        listed.append({"serial": str(current.certificate.serial_number), "at": datetime.now(UTC).isoformat(),
                       "reason": reason[:200]})
        _write_private(folder / "revoked.json", json.dumps(listed).encode())
        stem = _agency_stem(agency_code)
        for suffix in (".crt.pem", ".key.pem"):
            (folder / f"{stem}{suffix}").unlink(missing_ok=True)
    _crl_cache.clear()
    return current.certificate.serial_number


_crl_cache: dict[tuple[str, float], tuple[datetime, x509.CertificateRevocationList]] = {}


def current_crl(settings: Settings | None = None) -> x509.CertificateRevocationList:
    """The root's CRL, made afresh when a revocation is added and a day before it would expire."""
    settings = settings or get_settings()
    root = root_certificate(settings)
    folder = ca_dir(settings)
    revoked_path = folder / "revoked.json"
    stamp = (str(folder), revoked_path.stat().st_mtime if revoked_path.exists() else 0.0)
    now = datetime.now(UTC)
    cached = _crl_cache.get(stamp)
    if cached is not None and cached[0] > now + timedelta(days=1):
        return cached[1]
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
    for item in revocations(settings):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(item.serial).revocation_date(item.revoked_at).build()
        )
    crl = builder.sign(_root_key(folder), hashes.SHA256())
    _crl_cache.clear()
    _crl_cache[stamp] = (now + timedelta(days=CRL_DAYS), crl)
    return crl


def crl_der(settings: Settings | None = None) -> bytes:
    return current_crl(settings).public_bytes(serialization.Encoding.DER)
