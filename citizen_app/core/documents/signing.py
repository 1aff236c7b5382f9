"""PAdES signatures on the documents the agencies issue, and checking them back, with pyHanko.

:func:`seal` signs a PDF with the agency's key from the configured certificate authority
(:mod:`citizen_app.core.documents.authority`) as a PAdES B-LT signature: an incremental update (a
PDF/A file stays PDF/A), the chain and the authority's CRLs embedded (DSS), so any PAdES validator —
pyHanko, poppler's ``pdfsig``, Acrobat with the root trusted — can check it without asking the app.

:func:`check` is the app's own validator: the signature covers the whole file and its digest
matches (a byte changed after signing breaks it), the signer chains to one of the authority's roots,
and the signer's certificate is not revoked (on a CRL, or revoked by the operator). Anything else
says why in a :class:`SignatureCheck`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, TypeVar

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from citizen_app.core.documents import authority
from citizen_app.settings import Settings, get_settings

log = logging.getLogger(__name__)


class _FetchingNotice(logging.Filter):
    """pyHanko warns on every signature that it may not fetch revocation info: the CRL is given to it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_FetchingNotice())

FIELD_NAME = "AgencySignature"
SIGNATURE_ROOM = 12_000  # bytes: the CMS with the chain is about 2 KB (ECDSA); the CRL goes to the DSS
# Why a file did not verify; "genuine" when it did.
Verdict = Literal["genuine", "unsigned", "altered", "unknown_signer", "revoked_signer", "unreadable"]


@dataclass(frozen=True)
class SignatureCheck:
    verdict: Verdict
    signer: str = ""  # the certificate's common name (the agency)
    signed_at: datetime | None = None

    @property
    def genuine(self) -> bool:
        return self.verdict == "genuine"


def _asn1_cert(certificate: object) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))  # type: ignore[attr-defined]


_signers: dict[tuple[int, bytes], signers.SimpleSigner] = {}


def _signer(keys: authority.AgencyKey) -> signers.SimpleSigner:
    # One per certificate: a new certificate after a revocation is a new signer.
    stamp = (keys.certificate.serial_number, keys.certificate.fingerprint(hashes.SHA256()))
    found = _signers.get(stamp)
    if found is None:
        if len(_signers) > 64:
            _signers.clear()
        found = _signers[stamp] = signers.SimpleSigner(
            signing_cert=_asn1_cert(keys.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                keys.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption())
            ),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in keys.chain]),
        )
    return found


_T = TypeVar("_T")
_outside = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pyhanko")


def _blocking(work: Callable[[], _T]) -> _T:
    """pyHanko's synchronous calls start their own event loop, which fails inside a running one (an async
    route, a Reflex event): there, the work runs on a worker thread and this thread waits for it."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    return _outside.submit(work).result()


def validation_context(settings: Settings | None = None) -> ValidationContext:
    """Trust the authority's roots only, with its current CRLs, never fetching anything."""
    configured = authority.authority_for(settings)
    return ValidationContext(
        trust_roots=[_asn1_cert(root) for root in configured.trust_roots()],
        crls=[asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))
              for crl in configured.crls()],
        allow_fetching=False,
        revocation_mode=configured.revocation_mode,
    )


def seal(pdf: bytes, agency_code: str, agency_name: str, *, reason: str = "", location: str = "",
         settings: Settings | None = None) -> bytes:
    """The PDF signed by the agency (PAdES B-LT, revocation info embedded)."""
    settings = settings or get_settings()
    keys = authority.agency_key(agency_code, agency_name, settings)
    signer = _signer(keys)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        name=agency_name or agency_code,
        embed_validation_info=True,
        validation_context=validation_context(settings),
        use_pades_lta=False,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError):
        # A file whose cross-reference table is broken (readers repair it): written out afresh first.
        writer = IncrementalPdfFileWriter(io.BytesIO(_rewritten(pdf)), strict=False)
    # A fixed room for the signature skips pyHanko's trial signature that measures it (half the time).
    out = _blocking(lambda: signers.PdfSigner(metadata, signer=signer).sign_pdf(writer, bytes_reserved=SIGNATURE_ROOM))
    return out.getvalue()  # type: ignore[union-attr]


def _rewritten(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf), strict=False))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def check(data: bytes, settings: Settings | None = None) -> SignatureCheck:
    """Whether ``data`` is a document signed by one of the app's agencies, unchanged since."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, OSError) as problem:
        log.info("unreadable PDF: %s", problem)
        return SignatureCheck("unreadable")
    if not signatures:
        return SignatureCheck("unsigned")
    signature = signatures[-1]
    try:
        context = validation_context(settings)
        status = _blocking(lambda: validate_pdf_signature(signature, context))
    except (SigningError, PdfError, ValueError, KeyError, TypeError) as problem:
        log.info("signature could not be validated: %s", problem)
        return SignatureCheck("altered")
    signer = ""
    with contextlib.suppress(AttributeError, ValueError):
        signer = status.signing_cert.subject.native.get("common_name", "")
    signed_at = status.signer_reported_dt
    if not status.intact or not status.valid:
        return SignatureCheck("altered", signer, signed_at)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or len(signatures) != 1:
        # Bytes appended after the signature (another revision) are changes the signature does not cover.
        tail = data[signature.byte_range[2] + signature.byte_range[3]:] if signature.byte_range else b""
        if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and tail.strip(b"\r\n\x00 ") and not _only_dss(
            status
        ):
            return SignatureCheck("altered", signer, signed_at)
    if status.revocation_details is not None or getattr(status, "revoked", False):
        return SignatureCheck("revoked_signer", signer, signed_at)
    serial = getattr(status.signing_cert, "serial_number", None)
    if serial is not None and authority.revocation_of(serial, settings) is not None:
        # On the authority's list of revocations: e.g. revoked by the operator before the CA's CRL says so.
        return SignatureCheck("revoked_signer", signer, signed_at)
    if not status.trusted:
        return SignatureCheck("unknown_signer", signer, signed_at)
    return SignatureCheck("genuine", signer, signed_at)


def _only_dss(status: object) -> bool:
    """pyHanko's LT signatures add the DSS in a revision after the signature: that change is allowed."""
    diff = getattr(status, "diff_result", None)
    modification = getattr(diff, "modification_level", None)
    return modification is not None and getattr(modification, "name", "") in ("LTA_UPDATES", "NONE")
