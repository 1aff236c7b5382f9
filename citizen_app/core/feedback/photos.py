"""The optional photo of a feedback message: checked by content like dossier files, then re-encoded.

The bytes must be what their name says (``core.attachments.check_file``: magic numbers, a
decodable image, no decompression bomb), a JPEG or PNG of at most
``Settings.feedback_max_photo_mb``. The photo is then re-encoded as a JPEG of at most
:data:`MAX_SIDE` pixels: what a phone camera writes beside the picture (GPS position, device
serial) is personal data nobody handling the message needs, and it goes with the old encoding.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps

from citizen_app.core.attachments import AttachmentRejected, check_file, sanitize_filename
from citizen_app.core.i18n import N_, Msg
from citizen_app.settings import Settings, get_settings

MAX_SIDE = 2048
MSG_NOT_A_PHOTO = N_("The file “{name}” must be a photo: a JPEG or PNG image")
MSG_PHOTO_TOO_BIG = N_("The photo “{name}” is larger than {limit} MB")


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked photo, ready to be stored with the message (kept in memory until it is sent)."""

    data: bytes
    name: str
    content_type: str = "image/jpeg"

    @property
    def size_bytes(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def prepare_photo(
    filename: str, data: bytes, declared_type: str | None = None, *, settings: Settings | None = None
) -> PreparedPhoto:
    """The photo re-encoded without its metadata, or :class:`AttachmentRejected` with the reason."""
    settings = settings or get_settings()
    display = sanitize_filename(filename)
    limit = settings.feedback_max_photo_mb
    if len(data) > limit * 1024 * 1024:
        raise AttachmentRejected(Msg(MSG_PHOTO_TOO_BIG, {"name": display, "limit": limit}))
    kind = check_file(filename, data, declared_type, settings=settings)
    if kind not in ("image/jpeg", "image/png"):
        raise AttachmentRejected(Msg(MSG_NOT_A_PHOTO, {"name": display}))
    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((MAX_SIDE, MAX_SIDE))
        if upright.mode not in ("RGB", "L"):
            background = Image.new("RGB", upright.size, "white")
            background.paste(upright, mask=upright.convert("RGBA").split()[-1])
            upright = background
        out = io.BytesIO()
        # No exif= and no icc_profile=: the new file carries the pixels only.
        upright.save(out, "JPEG", quality=85, optimize=True)
    stem = display.rsplit(".", 1)[0] if "." in display else display
    return PreparedPhoto(data=out.getvalue(), name=f"{stem}.jpg")
