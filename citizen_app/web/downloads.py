"""Send a stored file the person was allowed to open (core.attachments.open_attachment decided).

Local storage: the server sends the file itself. S3: streamed through the app in 64 KiB
pieces (the default), or, with ``FILE_DOWNLOADS=presigned``, a redirect to a URL signed for
``PRESIGNED_URL_SECONDS`` that names this one object. The bucket itself is never public.
"""

from __future__ import annotations

from starlette.concurrency import iterate_in_threadpool
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse

from citizen_app.core.attachments import Download
from citizen_app.core.storage import get_storage
from citizen_app.settings import get_settings


def _disposition(download: Download, inline: bool) -> str:
    # FileResponse builds the same header; reuse its RFC 6266 encoding of non-ASCII names.
    probe = FileResponse(
        "/dev/null", filename=download.filename, content_disposition_type="inline" if inline else "attachment"
    )
    return probe.headers["content-disposition"]


def send_download(download: Download, *, inline: bool) -> Response:
    settings = get_settings()
    storage = get_storage(settings)
    path = storage.local_path(download.key)
    if path is not None:
        return FileResponse(
            path,
            media_type=download.content_type,
            filename=download.filename,
            content_disposition_type="inline" if inline else "attachment",
        )
    if settings.file_downloads == "presigned":
        url = storage.presigned_url(
            download.key,
            filename=download.filename,
            content_type=download.content_type,
            inline=inline,
            seconds=settings.presigned_url_seconds,
        )
        if url:
            return RedirectResponse(url, status_code=303)
    return StreamingResponse(
        iterate_in_threadpool(storage.chunks(download.key)),  # boto3 blocks: off the event loop
        media_type=download.content_type,
        headers={"Content-Length": str(download.size_bytes), "Content-Disposition": _disposition(download, inline)},
    )
