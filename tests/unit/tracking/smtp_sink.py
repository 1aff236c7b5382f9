"""A tiny SMTP server for tests: it accepts mail on a free local port and keeps it in memory.

Plain sockets and ``socketserver`` (``smtpd`` is deprecated and gone in 3.12; no extra dependency).
It speaks just enough SMTP for :mod:`smtplib`: HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
``refuse_data=True`` makes it answer 554 to DATA, like a server that rejects the message.
With ``tls`` (an ``ssl.SSLContext`` for the server side) it offers STARTTLS, or with
``implicit_tls=True`` speaks TLS from the first byte; ``password`` makes it offer AUTH PLAIN,
only once the connection is encrypted, and refuse mail until the client has signed in.
"""

from __future__ import annotations

import base64
import email
import socketserver
import ssl
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
    tls: ssl.SSLContext | None = None
    implicit_tls: bool = False
    username: str = ""
    password: str = ""
    messages: list[Received] = field(default_factory=list)
    # (encrypted, signed in as) for each message, as the sink saw the connection.
    sessions: list[tuple[bool, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def _start_tls(self) -> None:
        assert self.server.sink.tls is not None
        self.connection = self.server.sink.tls.wrap_socket(self.connection, server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb")
        self.encrypted = True

    def _extensions(self) -> list[str]:
        sink = self.server.sink
        offered = []
        if sink.tls is not None and not self.encrypted:
            offered.append("STARTTLS")
        if sink.password and self.encrypted:
            offered.append("AUTH PLAIN")
        return offered

    def handle(self) -> None:
        sink = self.server.sink
        sender, recipients = "", []
        self.encrypted, signed_in = False, ""
        if sink.implicit_tls:
            self._start_tls()
        self._reply("220 sink ESMTP ready")
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("HELO", "EHLO"):
                # The first line names the server; the extensions follow, the last one with "250 ".
                lines = ["sink", *(self._extensions() if verb == "EHLO" else [])]
                for index, line in enumerate(lines):
                    self._reply(f"250{'-' if index < len(lines) - 1 else ' '}{line}")
            elif verb == "STARTTLS" and "STARTTLS" in self._extensions():
                self._reply("220 Ready to start TLS")
                self._start_tls()
            elif verb == "AUTH" and "AUTH PLAIN" in self._extensions():
                _, user, password = base64.b64decode(command.split()[2]).decode().split("\0")
                if (user, password) == (sink.username, sink.password):
                    signed_in = user
                    self._reply("235 Authentication successful")
                else:
                    self._reply("535 Authentication credentials invalid")
            elif verb == "MAIL" and sink.password and not signed_in:
                self._reply("530 Authentication required")
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
                    sink.sessions.append((self.encrypted, signed_in))
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
def smtp_sink(
    *,
    refuse_data: bool = False,
    tls: ssl.SSLContext | None = None,
    implicit_tls: bool = False,
    username: str = "",
    password: str = "",
) -> Iterator[Sink]:
    server = _Server(("127.0.0.1", 0), _Handler)
    host, port = server.server_address[:2]
    server.sink = Sink(
        host=str(host),
        port=int(port),
        refuse_data=refuse_data,
        tls=tls,
        implicit_tls=implicit_tls,
        username=username,
        password=password,
    )
    thread = threading.Thread(target=server.serve_forever, name="smtp-sink", daemon=True)
    thread.start()
    try:
        yield server.sink
    finally:
        server.shutdown()
        server.server_close()
