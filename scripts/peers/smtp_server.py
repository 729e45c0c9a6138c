#!/usr/bin/env python3
"""A real SMTP server for Herald's SMTP transport tests (aiosmtpd 1.4.6).

Listens on 127.0.0.1, port 0 by default, and prints one JSON line, {"port": N}, once it accepts connections.
Runs until SIGTERM or SIGINT, or until its standard input closes (so it never outlives the test that
started it).

Security modes (--mode):
  starttls   plain connection, STARTTLS offered and required before any mail command (needs --cert/--key);
             AUTH is only offered and accepted after STARTTLS
  tls        implicit TLS from the first byte (needs --cert/--key)
  plain      no TLS at all (STARTTLS is not offered); with --user, AUTH is offered in cleartext

Authentication: with --user/--password, AUTH PLAIN, LOGIN and XOAUTH2 are offered (--mechanisms restricts
them) and required before MAIL FROM; a wrong user name or password gets "535 5.7.8". XOAUTH2 accepts the
bearer token given by --token.

Scripted replies, by the local part of a recipient:
  temp-fail@…   RCPT TO  -> 451 4.3.0 try later
  perm-fail@…   RCPT TO  -> 550 5.1.1 no such user
  slow@…        RCPT TO  -> accepted after --slow-seconds (longer than the client's timeout)
  data-temp@…   end of DATA -> 452 4.3.1 insufficient storage
  data-perm@…   end of DATA -> 554 5.6.0 message refused

--idle-timeout N closes a connection that has been idle N seconds (aiosmtpd's timeout), as real servers do.

Output directory (--out): every accepted message as NNNNNN.eml (the bytes received, after the transparency
dots are removed) and NNNNNN.json (envelope: mail_from, rcpt_tos, mail_options, auth_user,
auth_mechanism, tls); the file
`connections` holds the number of TCP connections accepted so far, `quits` the number of QUIT commands.
"""
import argparse
import asyncio
import base64
import itertools
import json
import os
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

SCRIPTED_RCPT = {
    "temp-fail": "451 4.3.0 try later",
    "perm-fail": "550 5.1.1 no such user",
}
SCRIPTED_DATA = {
    "data-temp": "452 4.3.1 insufficient storage",
    "data-perm": "554 5.6.0 message refused",
}


def write_count(path, count):
    with open(path + ".tmp", "w") as file:
        file.write(str(count))
    os.replace(path + ".tmp", path)


def local_part(address):
    return address.rsplit("@", 1)[0].lower()


class Handler:
    def __init__(self, args):
        self.args = args
        self.sequence = itertools.count(1)
        self.quits = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = local_part(address)
        if local in SCRIPTED_RCPT:
            return SCRIPTED_RCPT[local]
        if local == "slow":
            await asyncio.sleep(self.args.slow_seconds)
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            if local_part(rcpt) in SCRIPTED_DATA:
                return SCRIPTED_DATA[local_part(rcpt)]
        number = next(self.sequence)
        base = os.path.join(self.args.out, f"{number:06d}")
        with open(base + ".eml", "wb") as file:
            file.write(envelope.original_content)
        envelope_json = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_options": envelope.mail_options,
            "auth_user": session.auth_data,
            "auth_mechanism": getattr(session, "herald_auth_mechanism", None),
            "tls": session.ssl is not None or self.args.mode == "tls",
        }
        with open(base + ".json.tmp", "w") as file:
            json.dump(envelope_json, file)
        os.replace(base + ".json.tmp", base + ".json")  # the .json appears complete, after the .eml
        return f"250 2.0.0 Ok: queued as Q{number:06d}"

    async def handle_QUIT(self, server, session, envelope):
        self.quits += 1
        write_count(os.path.join(self.args.out, "quits"), self.quits)
        return "221 2.0.0 Bye"

    async def auth_XOAUTH2(self, server, args):
        """RFC-less but widespread: base64("user=U\\x01auth=Bearer T\\x01\\x01"), inline or after a 334."""
        if len(args) == 1:
            blob = await server.challenge_auth("", encode_to_b64=False)
            if not isinstance(blob, bytes):
                return AuthResult(success=False, handled=False)
        else:
            try:
                blob = base64.b64decode(args[1], validate=True)
            except ValueError:
                return AuthResult(success=False, handled=False)
        fields = dict(part.split("=", 1) for part in blob.decode(errors="replace").split("\x01") if "=" in part)
        ok = fields.get("user") == self.args.user and fields.get("auth") == f"Bearer {self.args.token}"
        if ok:
            server.session.herald_auth_mechanism = "XOAUTH2"
        return AuthResult(success=ok, handled=False, auth_data=fields.get("user") if ok else None)


def authenticator(args):
    def check(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if user == args.user and password == args.password:
                session.herald_auth_mechanism = mechanism
                return AuthResult(success=True, auth_data=user)
        return AuthResult(success=False, handled=False)
    return check


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["starttls", "tls", "plain"], default="starttls")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--token", default="")
    parser.add_argument("--mechanisms", default="PLAIN,LOGIN,XOAUTH2", help="AUTH mechanisms to offer")
    parser.add_argument("--slow-seconds", type=float, default=5.0)
    parser.add_argument("--idle-timeout", type=float, default=300.0, help="close a connection idle this long")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    context = None
    if args.mode in ("starttls", "tls"):
        if not (args.cert and args.key):
            parser.error(f"--mode {args.mode} needs --cert and --key")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(args.cert, args.key)

    offered = {m.strip().upper() for m in args.mechanisms.split(",") if m.strip()}
    excluded = [m for m in ("PLAIN", "LOGIN", "XOAUTH2") if m not in offered]
    handler = Handler(args)
    connections = itertools.count(1)
    connections_file = os.path.join(args.out, "connections")
    write_count(connections_file, 0)
    write_count(os.path.join(args.out, "quits"), 0)

    def factory():
        write_count(connections_file, next(connections))
        return SMTP(
            handler,
            hostname="herald-test-peer",
            tls_context=context if args.mode == "starttls" else None,
            require_starttls=args.mode == "starttls",
            # With implicit TLS the whole connection is encrypted, but aiosmtpd only knows about STARTTLS.
            auth_require_tls=args.mode == "starttls",
            auth_required=args.user is not None,
            authenticator=authenticator(args) if args.user is not None else None,
            auth_exclude_mechanism=excluded if args.user is not None else ["PLAIN", "LOGIN", "XOAUTH2"],
            data_size_limit=32 << 20,
            timeout=args.idle_timeout,
        )

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(
        factory, host="127.0.0.1", port=args.port, ssl=context if args.mode == "tls" else None))
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)

    stop = loop.stop
    loop.add_signal_handler(signal.SIGTERM, stop)
    loop.add_signal_handler(signal.SIGINT, stop)
    # Stop when the parent closes our standard input (or dies).
    loop.add_reader(sys.stdin.fileno(), lambda: stop() if not os.read(sys.stdin.fileno(), 1024) else None)
    try:
        loop.run_forever()
    finally:
        server.close()


if __name__ == "__main__":
    main()
