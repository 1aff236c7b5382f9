"""Mail goes out encrypted when configured: STARTTLS or implicit TLS, the certificate checked, credentials only over TLS."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from citizen_app.core.notifications import OutgoingEmail, send_email
from citizen_app.settings import Settings, load_settings
from tests.unit.tracking.smtp_sink import smtp_sink

MESSAGE = OutgoingEmail(notification_id=1, to="an@example.vn", subject="Hồ sơ đã tiếp nhận", body="Xin chào\n")


@pytest.fixture
def server_tls(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A self-signed certificate for 127.0.0.1: the server's context, and the file a client may trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "smtp.pem", tmp_path / "smtp.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


def mail_settings(port: int, **env: str) -> Settings:
    return load_settings({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), **env})


def test_starttls_then_sign_in_then_send(server_tls, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    context, trusted = server_tls
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))  # what the system's trust store would hold
    with smtp_sink(tls=context, username="mailer", password="s3cret") as sink:
        settings = mail_settings(
            sink.port, SMTP_SECURITY="starttls", SMTP_USERNAME="mailer", SMTP_PASSWORD="s3cret"
        )
        send_email(MESSAGE, settings)
    assert sink.sessions == [(True, "mailer")]
    assert sink.messages[0].message["Subject"] == "Hồ sơ đã tiếp nhận"


def test_implicit_tls(server_tls, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    context, trusted = server_tls
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))
    with smtp_sink(tls=context, implicit_tls=True) as sink:
        send_email(MESSAGE, mail_settings(sink.port, SMTP_SECURITY="tls"))
    assert sink.sessions == [(True, "")]


def test_an_untrusted_certificate_stops_the_mail(server_tls, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    context, _ = server_tls
    empty = tmp_path / "no-authorities.pem"
    empty.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    with smtp_sink(tls=context, username="mailer", password="s3cret") as sink:
        settings = mail_settings(
            sink.port, SMTP_SECURITY="starttls", SMTP_USERNAME="mailer", SMTP_PASSWORD="s3cret"
        )
        with pytest.raises(ssl.SSLCertVerificationError):
            send_email(MESSAGE, settings)
    assert sink.messages == []


def test_plain_smtp_to_a_local_relay_stays_the_default() -> None:
    with smtp_sink() as sink:
        settings = mail_settings(sink.port)
        assert settings.smtp_security == "none"
        send_email(MESSAGE, settings)
    assert sink.sessions == [(False, "")]


def test_settings_refuse_credentials_in_clear_and_unknown_modes() -> None:
    with pytest.raises(ValueError, match="SMTP_SECURITY is none"):
        load_settings({"SMTP_USERNAME": "mailer", "SMTP_PASSWORD": "x"})
    with pytest.raises(ValueError, match="expected one of none, starttls, tls"):
        load_settings({"SMTP_SECURITY": "ssl3"})


def test_each_mode_has_its_usual_port_and_the_password_is_never_printed() -> None:
    assert load_settings({}).smtp_port == 25
    assert load_settings({"SMTP_SECURITY": "starttls"}).smtp_port == 587
    assert load_settings({"SMTP_SECURITY": "TLS"}).smtp_port == 465
    assert load_settings({"SMTP_SECURITY": "tls", "SMTP_PORT": "2465"}).smtp_port == 2465
    settings = load_settings({"SMTP_SECURITY": "starttls", "SMTP_USERNAME": "m", "SMTP_PASSWORD": "s3cret"})
    assert "s3cret" not in repr(settings)
