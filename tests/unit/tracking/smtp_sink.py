"""A tiny SMTP server for tests: it accepts mail on a free local port and keeps it in memory.

Plain sockets and ``socketserver`` (``smtpd`` is deprecated and gone in 3.12; no extra dependency).
It speaks just enough SMTP for :mod:`smtplib`: HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
``refuse_data=True`` makes it answer 554 to DATA, like a server that rejects the message.
"""

from __future__ import annotations

import email
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from email.policy import default as default_policy


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message


@dataclass
class Sink:
    host: str
    port: int
    refuse_data: bool = False
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def handle(self) -> None:
        sink = self.server.sink
        sender, recipients = "", []
        self._reply("220 sink ESMTP ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("HELO", "EHLO"):
                self._reply("250 sink")
            elif verb == "MAIL":
                sender, recipients = command.split(":", 1)[1].strip().strip("<>"), []
                self._reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif verb == "DATA":
                if sink.refuse_data:
                    self._reply("554 Transaction failed")
                    continue
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines: list[bytes] = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                parsed = email.message_from_bytes(b"".join(lines), policy=default_policy)
                with sink.lock:
                    sink.messages.append(Received(sender, list(recipients), parsed))
                self._reply("250 OK: queued")
            elif verb in ("RSET", "NOOP"):
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    sink: Sink


@contextmanager
def smtp_sink(*, refuse_data: bool = False) -> Iterator[Sink]:
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    server.sink = Sink(host=str(host), port=int(port), refuse_data=refuse_data)
    thread = threading.Thread(target=server.serve_forever, name="smtp-sink", daemon=True)
    thread.start()
    try:
        yield server.sink
    finally:
        server.shutdown()
        server.server_close()
