#!/usr/bin/env python3
"""A real SMTP server for the tests (aiosmtpd), on loopback, that keeps every message.

    python smtp_sink.py --dir DIR [--ready-file FILE] [--parent-pid PID]
                        [--max-seconds N] [--auth USER:PASSWORD]

It listens on 127.0.0.1 on a free port chosen by the kernel and, once it
accepts connections, writes its URL (smtp://127.0.0.1:PORT) to --ready-file
(atomically) and to stdout. Every message received is written, as the exact
bytes of the DATA phase, to DIR/<n>.eml (n = 1, 2, ... in order of arrival),
with its envelope and the message as a mail client reads it (parsed by
Python's email package: headers decoded, body decoded to text) in DIR/<n>.json:
{"mail_from", "rcpt_tos", "auth_user", "headers": {name: [decoded values]},
"subject", "from", "to", "content_type", "charset", "body", "html", "parse_defects"}.
Files appear atomically (written under a temporary name, then renamed).

It stops by itself: when the process --parent-pid is gone (checked every
half second), after --max-seconds (default 3600), or on SIGTERM/SIGINT.
With --auth, AUTH PLAIN/LOGIN is offered (without TLS: loopback only) and
required. Run it with the venv of scripts/python-tools.sh (needs aiosmtpd).
"""

import argparse
import asyncio
import email
import email.policy
import itertools
import json
import logging
import os
import signal
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, directory):
        self.directory = directory
        existing = [
            int(name[:-4])
            for name in os.listdir(directory)
            if name.endswith(".eml") and name[:-4].isdigit()
        ]
        self.counter = itertools.count(max(existing, default=0) + 1)

    def _write(self, name, data):
        tmp = os.path.join(self.directory, f".{name}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(self.directory, name))

    async def handle_DATA(self, server, session, envelope):
        n = next(self.counter)
        auth = session.auth_data
        envelope_info = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_user": auth.login.decode("utf-8", "replace")
            if isinstance(auth, LoginPassword)
            else None,
        }
        envelope_info.update(parse_message(envelope.original_content or b""))
        # The .json first: whoever sees <n>.eml finds its envelope beside it.
        self._write(f"{n}.json", json.dumps(envelope_info).encode("utf-8"))
        self._write(f"{n}.eml", envelope.original_content or b"")
        return "250 OK: message stored"


def parse_message(raw):
    """The message as a mail client shows it (email.policy.default decodes
    RFC 2047 words, quoted-printable and base64)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {}
    for name, value in msg.items():
        headers.setdefault(name.lower(), []).append(str(value))
    part = msg.get_body(preferencelist=("plain", "html")) or msg
    try:
        body = part.get_content()
    except (KeyError, LookupError, ValueError) as err:
        body = f"<undecodable body: {err}>"
    # The HTML alternative, when the message has one (digests).
    html = ""
    html_part = msg.get_body(preferencelist=("html",))
    if html_part is not None:
        try:
            html = html_part.get_content()
        except (KeyError, LookupError, ValueError) as err:
            html = f"<undecodable html: {err}>"
    return {
        "headers": headers,
        "subject": str(msg.get("subject", "")),
        "from": str(msg.get("from", "")),
        "to": str(msg.get("to", "")),
        "content_type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "body": body if isinstance(body, str) else body.decode("utf-8", "replace"),
        "html": html if isinstance(html, str) else html.decode("utf-8", "replace"),
        "parse_defects": [repr(d) for d in msg.defects],
    }


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode("utf-8")
            and auth_data.password == password.encode("utf-8")
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return authenticator


def parent_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie parent (exited, not yet reaped) counts as gone; so does being
    # re-parented to another process.
    return os.getppid() == pid or _not_zombie(pid)


def _not_zombie(pid):
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().split(b") ", 1)[1][:1] != b"Z"
    except (OSError, IndexError):
        return True


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="where messages are written")
    parser.add_argument("--ready-file", help="file to write the URL to once listening")
    parser.add_argument("--parent-pid", type=int, help="stop when this process is gone")
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    parser.add_argument("--auth", help="USER:PASSWORD required from clients")
    args = parser.parse_args()

    # AUTH without TLS is deliberate here (loopback only): keep stderr quiet.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(args.dir, exist_ok=True)
    handler = Sink(args.dir)
    options = {"enable_SMTPUTF8": True, "hostname": "relais-test-smtp"}
    if args.auth:
        user, _, password = args.auth.partition(":")
        options.update(
            authenticator=make_authenticator(user, password),
            auth_required=True,
            auth_require_tls=False,
        )

    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, **options), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"smtp://127.0.0.1:{port}"

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(url + "\n")
        os.replace(tmp, args.ready_file)
    print(url, flush=True)

    deadline = loop.time() + args.max_seconds
    while not stop.is_set():
        if loop.time() >= deadline:
            print("smtp_sink: max lifetime reached, stopping", file=sys.stderr)
            break
        if args.parent_pid and not parent_alive(args.parent_pid):
            print("smtp_sink: parent process gone, stopping", file=sys.stderr)
            break
        try:
            await asyncio.wait_for(stop.wait(), timeout=0.5)
        except asyncio.TimeoutError:
            pass
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
