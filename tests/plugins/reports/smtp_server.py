#!/usr/bin/python3
"""A real SMTP server on loopback for the email tests (Debian's aiosmtpd).

Modes: plain (no TLS offered, AUTH allowed without it), starttls (STARTTLS and
AUTH PLAIN required), tls (implicit TLS), no-starttls (plain, AUTH not offered).
--replies is a comma-separated script of answers to successive DATA commands
(250, 451, 550, or "stall" to stop answering); after the script every DATA is
answered 250. Each accepted message is saved whole as N.eml in --dir, with its
envelope recipients in N.rcpt. The chosen port is written to --port-file once
the server listens.
"""
import argparse
import asyncio
import os
import signal
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Handler:
    def __init__(self, folder, replies):
        self.folder = folder
        self.replies = replies
        self.count = 0
        self.saved = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        reply = self.replies[self.count - 1] if self.count <= len(self.replies) else "250"
        if reply == "stall":
            await asyncio.sleep(3600)
        if reply != "250":
            return {"451": "451 4.3.0 Try again later", "550": "550 5.1.1 Mailbox unavailable"}.get(reply, reply)
        self.saved += 1
        base = os.path.join(self.folder, str(self.saved))
        with open(base + ".eml.part", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".eml.part", base + ".eml")
        with open(base + ".rcpt", "w") as f:
            f.write("\n".join(envelope.rcpt_tos))
        return "250 2.0.0 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True, choices=["plain", "starttls", "tls", "no-starttls"])
    p.add_argument("--dir", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--user", default="")
    p.add_argument("--password", default="")
    p.add_argument("--replies", default="")
    a = p.parse_args()

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == a.user.encode()
              and auth_data.password == a.password.encode())
        return AuthResult(success=ok)

    context = None
    if a.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.cert, a.key)
    handler = Handler(a.dir, [r for r in a.replies.split(",") if r])
    port = free_port()
    kwargs = dict(hostname="127.0.0.1", port=port, authenticator=authenticate)
    if a.mode == "starttls":
        kwargs.update(tls_context=context, require_starttls=True, auth_require_tls=True)
    elif a.mode == "tls":
        kwargs.update(ssl_context=context, auth_require_tls=False)
    elif a.mode == "plain":
        kwargs.update(auth_require_tls=False)
    else:  # no-starttls: no TLS, no AUTH
        kwargs = dict(hostname="127.0.0.1", port=port)
    controller = Controller(handler, **kwargs)
    controller.start()
    with open(a.port_file + ".part", "w") as f:
        f.write(str(port))
    os.rename(a.port_file + ".part", a.port_file)
    signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
