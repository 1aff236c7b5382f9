"""The certificate authority as a plugin (issue 13): the sandbox by default, or the agencies' own keys
from PKCS#12 files with the CA's CRL; a misconfigured one stops the app with a message saying what to fix."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy import Engine, select

from citizen_app.core.documents import authority, issuing, signing
from citizen_app.core.documents.authority import AuthorityError
from citizen_app.db.engine import unit_of_work
from citizen_app.db.models.documents import IssuedDocument
from citizen_app.settings import load_settings, reset_settings_cache
from tests.unit.documents.test_document_routes import client, issued_to
from tests.unit.dossiers.helpers import PDF

PASSWORD = "mật-khẩu-thử"


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, issuer_key: ec.EllipticCurvePrivateKey,
                 *, ca: bool, days: int = 365, start_days: int = -1) -> x509.Certificate:
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(issuer).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=start_days)).not_valid_after(now + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer != _name(subject):
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


@dataclass
class GovernmentCa:
    """A stand-in for the government CA: root → issuing CA → agency certificates, and the issuing CA's CRL."""

    folder: Path
    root: x509.Certificate
    root_key: ec.EllipticCurvePrivateKey
    issuing: x509.Certificate
    issuing_key: ec.EllipticCurvePrivateKey

    @classmethod
    def make(cls, folder: Path) -> GovernmentCa:
        folder.mkdir(parents=True, exist_ok=True)
        root_key, issuing_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        root = _certificate("Test Government Root CA", root_key, _name("Test Government Root CA"), root_key,
                            ca=True, days=3650)
        issuing_ca = _certificate("Test Government Issuing CA", issuing_key, root.subject, root_key, ca=True)
        return cls(folder, root, root_key, issuing_ca, issuing_key)

    def agency_file(self, name: str, *, password: str = PASSWORD, days: int = 365,
                    chain: bool = True) -> tuple[Path, x509.Certificate]:
        key = ec.generate_private_key(ec.SECP256R1())
        certificate = _certificate(name, key, self.issuing.subject, self.issuing_key, ca=False, days=days,
                                   start_days=-2 if days > 0 else -10)
        data = pkcs12.serialize_key_and_certificates(
            name.encode(), key, certificate, [self.root, self.issuing] if chain else None,
            serialization.BestAvailableEncryption(password.encode()),
        )
        path = self.folder / f"{name.replace(' ', '-')}.p12"
        path.write_bytes(data)
        return path, certificate

    def crl_file(self, revoked: list[x509.Certificate] = ()) -> Path:  # type: ignore[assignment]
        now = datetime.now(UTC)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.issuing.subject)
                   .last_update(now - timedelta(minutes=5)).next_update(now + timedelta(days=7)))
        for certificate in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(certificate.serial_number)
                .revocation_date(now - timedelta(minutes=1))
                .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False).build())
        path = self.folder / "issuing.crl"
        path.write_bytes(builder.sign(self.issuing_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))
        return path


def _configure(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    reset_settings_cache()


def _pkcs12_env(ca: GovernmentCa, files: str, crl: Path | None = None) -> dict[str, str]:
    env = {"SIGNING_AUTHORITY": "pkcs12", "SIGNING_PKCS12": files, "SIGNING_PKCS12_PASSWORD": PASSWORD}
    if crl is not None:
        env["SIGNING_CRL"] = str(crl)
    return env


# --- selection ----------------------------------------------------------------------------------------


def test_the_sandbox_authority_is_the_default_and_counts_as_a_sandbox(tmp_path: Path) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    assert settings.signing_authority == "sandbox" and "signing" in settings.enabled_sandboxes
    authority.check_configuration(settings)
    (root,) = authority.trust_roots(settings)
    assert (tmp_path / "keys" / "signing_ca" / "root.crt.pem").read_bytes() == root.public_bytes(
        serialization.Encoding.PEM)
    keys = authority.agency_key("H01.01", "Phường Ba Đình", settings)
    assert keys.root == root and keys.certificate.issuer == root.subject


def test_a_configured_authority_is_chosen_by_settings_and_is_no_sandbox(tmp_path: Path) -> None:
    ca = GovernmentCa.make(tmp_path / "ca")
    path, certificate = ca.agency_file("UBND phuong Ba Dinh")
    settings = load_settings({"DATA_DIR": str(tmp_path), **_pkcs12_env(ca, f"*={path}")})
    assert settings.signing_authority == "pkcs12" and "signing" not in settings.enabled_sandboxes
    authority.check_configuration(settings)
    keys = authority.agency_key("H01.01", "", settings)
    assert keys.certificate == certificate and keys.chain == (ca.issuing, ca.root)
    assert authority.trust_roots(settings) == (ca.root,)
    assert not (tmp_path / "keys" / "signing_ca").exists()  # no sandbox authority was made on the side


def test_an_unknown_authority_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path), "SIGNING_AUTHORITY": "hsm"})
    with pytest.raises(AuthorityError, match=r"SIGNING_AUTHORITY='hsm'.*pkcs12, sandbox"):
        authority.check_configuration(settings)


# --- configuration errors: a clear message at start-up ------------------------------------------------


def test_pkcs12_without_files_stops_at_the_settings() -> None:
    with pytest.raises(ValueError, match="SIGNING_AUTHORITY=pkcs12 needs SIGNING_PKCS12"):
        load_settings({"SIGNING_AUTHORITY": "pkcs12"})
    with pytest.raises(ValueError, match="SIGNING_PKCS12: expected name=value pairs"):
        load_settings({"SIGNING_AUTHORITY": "pkcs12", "SIGNING_PKCS12": "/etc/keys/agency.p12"})


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("missing file", r"SIGNING_PKCS12: cannot read .*missing\.p12"),
        ("wrong password", r"could not be opened \(not a PKCS#12 file, or SIGNING_PKCS12_PASSWORD is wrong\)"),
        ("not a PKCS#12 file", r"could not be opened"),
        ("expired certificate", r"the certificate in .* \(agency \*\) expired on"),
        ("no chain, no roots", r"no root to trust: .*set SIGNING_TRUST_ROOTS"),
        ("another CA's root", r"does not chain to a root in SIGNING_TRUST_ROOTS"),
        ("unreadable CRL", r"SIGNING_CRL: .* is not a CRL"),
        ("missing CRL", r"SIGNING_CRL: cannot read"),
    ],
)
def test_a_misconfigured_authority_says_what_to_fix(tmp_path: Path, problem: str, message: str) -> None:
    ca = GovernmentCa.make(tmp_path / "ca")
    path, _certificate = ca.agency_file("Agency")
    env = {"DATA_DIR": str(tmp_path), **_pkcs12_env(ca, f"*={path}")}
    if problem == "missing file":
        env["SIGNING_PKCS12"] = f"*={tmp_path / 'missing.p12'}"
    elif problem == "wrong password":
        env["SIGNING_PKCS12_PASSWORD"] = "not-the-password"
    elif problem == "not a PKCS#12 file":
        path.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot this\n")
    elif problem == "expired certificate":
        expired, _ = ca.agency_file("Old agency", days=-1)
        env["SIGNING_PKCS12"] = f"*={expired}"
    elif problem == "no chain, no roots":
        bare, _ = ca.agency_file("Bare agency", chain=False)
        env["SIGNING_PKCS12"] = f"*={bare}"
    elif problem == "another CA's root":
        other = GovernmentCa.make(tmp_path / "other")
        roots = tmp_path / "roots.pem"
        roots.write_bytes(other.root.public_bytes(serialization.Encoding.PEM))
        env["SIGNING_TRUST_ROOTS"] = str(roots)
    elif problem == "unreadable CRL":
        bad = tmp_path / "bad.crl"
        bad.write_bytes(b"not a list")
        env["SIGNING_CRL"] = str(bad)
    elif problem == "missing CRL":
        env["SIGNING_CRL"] = str(tmp_path / "nowhere.crl")
    with pytest.raises(AuthorityError, match=message):
        authority.check_configuration(load_settings(env))


def test_the_app_does_not_start_with_a_misconfigured_authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citizen_app.web import app as web_app

    broken = load_settings({"DATA_DIR": str(tmp_path), "SIGNING_AUTHORITY": "pkcs12",
                            "SIGNING_PKCS12": f"*={tmp_path / 'gone.p12'}"})
    monkeypatch.setattr(web_app, "get_settings", lambda: broken)
    with pytest.raises(AuthorityError, match=r"gone\.p12"):
        web_app.build_http_app()


def test_an_agency_without_a_key_cannot_sign(tmp_path: Path) -> None:
    ca = GovernmentCa.make(tmp_path / "ca")
    path, _certificate = ca.agency_file("Ba Dinh")
    settings = load_settings({"DATA_DIR": str(tmp_path), **_pkcs12_env(ca, f"H01.01={path}")})
    authority.check_configuration(settings)
    with pytest.raises(AuthorityError, match=r"no signing key for agency 'H79.02': add H79.02=/path/file.p12"):
        signing.seal(PDF, "H79.02", "Somewhere else", settings=settings)


# --- signing with the configured authority -----------------------------------------------------------


def _independently_valid(data: bytes, root: x509.Certificate) -> bool:
    """pyHanko's own validator, trusting only the CA's root (nothing of the app's)."""
    import io

    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    (signature,) = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))],
                                allow_fetching=False, revocation_mode="soft-fail")
    status = validate_pdf_signature(signature, context)
    return bool(status.intact and status.valid and status.trusted)


def test_a_result_signed_by_the_configured_authority_verifies(engine: Engine, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    ca = GovernmentCa.make(tmp_path / "ca")
    path, certificate = ca.agency_file("UBND phuong Ba Dinh")
    crl = ca.crl_file()
    _configure(monkeypatch, **_pkcs12_env(ca, f"*={path}", crl))
    document_id, serial, raw = issued_to("an.nguyen")
    data = client(raw).get(f"/vi/documents/{document_id}/file").content
    assert signing.check(data).verdict == "genuine"
    assert _independently_valid(data, ca.root)
    with unit_of_work() as db:
        entry = db.scalar(select(IssuedDocument).where(IssuedDocument.serial == serial))
        assert entry.signer_serial == str(certificate.serial_number)
        assert issuing.check_file(db, serial, data).verdict == "genuine"
    page = client().get(f"/d/{serial}?lang=vi")
    assert 'data-verdict="genuine"' in page.text and "signing-sandbox-banner" not in page.text
    # A PDF reader is told to trust the CA's root; the CA's own CRL is served as it is.
    assert client().get("/documents/ca.crt").content == ca.root.public_bytes(serialization.Encoding.PEM)
    assert client().get("/documents/ca.crl").content == crl.read_bytes()
    # Under the sandbox authority the same file is signed by a CA nobody here trusts.
    _configure(monkeypatch, SIGNING_AUTHORITY="sandbox")
    assert signing.check(data).verdict == "unknown_signer"


def test_an_agency_certificate_on_the_cas_crl_is_revoked(engine: Engine, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ca = GovernmentCa.make(tmp_path / "ca")
    path, certificate = ca.agency_file("UBND phuong Ba Dinh")
    _configure(monkeypatch, **_pkcs12_env(ca, f"*={path}", ca.crl_file()))
    document_id, serial, raw = issued_to("an.nguyen")
    data = client(raw).get(f"/vi/documents/{document_id}/file").content
    ca.crl_file([certificate])  # the CA publishes a new list with the agency's certificate on it
    assert signing.check(data).verdict == "revoked_signer"
    page = client().get(f"/d/{serial}?lang=en")
    assert 'data-verdict="revoked"' in page.text and "key_compromise" in page.text
    with pytest.raises(AuthorityError, match="was revoked on"):
        signing.seal(PDF, "H01.01", "Ba Dinh")


def test_revoking_an_agency_of_a_configured_authority_waits_for_its_new_file(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from citizen_app.cli import main

    ca = GovernmentCa.make(tmp_path / "ca")
    path, _old = ca.agency_file("UBND phuong Ba Dinh")
    _configure(monkeypatch, **_pkcs12_env(ca, f"H01.01={path} *={path}", ca.crl_file()))
    _document_id, serial, _raw = issued_to("an.nguyen")
    assert main(["documents", "revoke-agency", "H01.01", "--reason", "Lộ khoá ký"]) == 0
    page = client().get(f"/d/{serial}?lang=vi")
    assert 'data-verdict="revoked"' in page.text and "Lộ khoá ký" in page.text
    with pytest.raises(AuthorityError, match="install the agency's new PKCS#12 file"):
        signing.seal(PDF, "H01.01", "Ba Dinh")
    # The agency's new file from the CA: it signs again, and the old results stay revoked.
    new_path, new_certificate = ca.agency_file("UBND phuong Ba Dinh moi")
    path.write_bytes(new_path.read_bytes())
    signed = signing.seal(PDF, "H01.01", "Ba Dinh")
    assert signing.check(signed).verdict == "genuine"
    assert authority.agency_key("H01.01").certificate == new_certificate
    assert 'data-verdict="revoked"' in client().get(f"/d/{serial}?lang=vi").text


def test_the_cas_crl_is_fetched_from_its_address_and_kept_until_its_next_update(tmp_path: Path) -> None:
    import httpx

    from citizen_app.core.documents.pkcs12 import Pkcs12Authority

    ca = GovernmentCa.make(tmp_path / "ca")
    path, certificate = ca.agency_file("Ba Dinh")
    crl_path = ca.crl_file([certificate])
    asked: list[str] = []
    up = [True]

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(200, content=crl_path.read_bytes()) if up[0] else httpx.Response(503)

    settings = load_settings({"DATA_DIR": str(tmp_path), **_pkcs12_env(ca, f"*={path}"),
                              "SIGNING_CRL": "https://ca.example.vn/issuing.crl"})
    configured = Pkcs12Authority(settings, transport=httpx.MockTransport(answer))
    configured.check()  # an address that is down at start-up does not stop the app
    assert [r.serial for r in configured.revocations()] == [certificate.serial_number]
    assert configured.revocations()[0].reason == "key_compromise"
    assert asked == ["https://ca.example.vn/issuing.crl"]  # fetched once, kept until it is due
    configured._crls = {url: (datetime.now(UTC) - timedelta(seconds=1), crl) for url, (_, crl) in configured._crls.items()}
    up[0] = False
    assert [r.serial for r in configured.revocations()] == [certificate.serial_number]  # the CA is down: the last list
    assert len(asked) == 2
