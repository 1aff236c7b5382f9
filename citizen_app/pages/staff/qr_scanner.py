"""The receipt QR scanner: ``assets/js/qr_scanner.jsx`` (a small React component around the npm package
``jsqr``), wrapped for Reflex. Client-side only: it needs the browser's camera and canvas.

    qr_scanner(on_decode=MyState.scanned, on_problem=MyState.scan_problem, camera_label=_("Scan"), ...)

``on_decode`` receives the text the QR holds (the receipt's verification URL); ``on_problem`` one of
``camera_denied``, ``camera_unavailable``, ``no_code``, ``unreadable``. Test ids: ``staff-scanner``,
``staff-scan-camera``, ``staff-scan-stop``, ``staff-scan-photo`` (the photo's file input),
``staff-scan-video``.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventHandler, passthrough_event_spec


class QrScanner(rx.NoSSRComponent):
    # The component's own file, bundled by Vite from the copied assets; jsqr is installed from npm.
    library = "$/public/js/qr_scanner.jsx"
    lib_dependencies: list[str] = ["jsqr@1.4.0"]  # noqa: RUF012 (Reflex reads it as a class attribute)
    tag = "QrScanner"

    camera_label: rx.Var[str]
    stop_label: rx.Var[str]
    photo_label: rx.Var[str]
    video_label: rx.Var[str]
    scanning_label: rx.Var[str]

    on_decode: EventHandler[passthrough_event_spec(str)]
    on_problem: EventHandler[passthrough_event_spec(str)]


qr_scanner = QrScanner.create
