#!/usr/bin/env python3
"""The SMTP sink's own ceiling for `make bench-smtp`: one message sent again and again as fast as it is taken.

Usage: smtp_blast.py HOST:PORT MESSAGE_FILE COUNT [BATCH]

Over one connection, batches of BATCH transactions (MAIL FROM, RCPT TO, DATA, the message with a new
Message-ID, `.`) are written at once, pipelined past DATA (the sink answers in order, so this measures how fast
it takes messages, not the round trips), and every reply is read before the next batch. The message comes from
MESSAGE_FILE (a sample as the sink received it: dot-stuffing is redone here). Prints one line of key=value:
messages, seconds, rate (messages/s). Exits non-zero when a reply is not 2xx/3xx.
"""
import socket
import sys
import time


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    host, _, port = sys.argv[1].rpartition(":")
    with open(sys.argv[2], "rb") as file:
        raw = file.read()
    count = int(sys.argv[3])
    batch = max(1, int(sys.argv[4]) if len(sys.argv) > 4 else 100)
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    body = b"\r\n".join(b"." + line if line.startswith(b".") else line for line in lines
                        if not line.lower().startswith(b"message-id:"))
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    sock = socket.create_connection((host or "127.0.0.1", int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    reader = sock.makefile("rb")

    def expect(n: int) -> None:
        for _ in range(n):
            line = reader.readline()
            while line[3:4] == b"-":
                line = reader.readline()
            if line[:1] not in (b"2", b"3"):
                raise SystemExit(f"unexpected reply {line!r}")

    expect(1)  # greeting
    sock.sendall(b"EHLO blast.localhost\r\n")
    expect(1)
    sent = 0
    started = time.monotonic()
    while sent < count:
        n = min(batch, count - sent)
        chunks = []
        for i in range(sent, sent + n):
            chunks.append(b"MAIL FROM:<noreply@herald.example>\r\nRCPT TO:<blast-%d@recipients.example>\r\nDATA\r\n"
                          b"Message-ID: <blast-%d-%f@herald.example>\r\n%s.\r\n" % (i, i, started, body))
        sock.sendall(b"".join(chunks))
        expect(4 * n)
        sent += n
    elapsed = time.monotonic() - started
    sock.sendall(b"QUIT\r\n")
    expect(1)
    sock.close()
    print(f"messages={sent} seconds={elapsed:.3f} rate={sent / elapsed:.0f} batch={batch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
