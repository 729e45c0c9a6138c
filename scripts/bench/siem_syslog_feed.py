#!/usr/bin/env python3
"""Syslog load for `make bench-siem`: builds N messages like Herald's, and sends them over one TCP connection.

Usage:
  siem_syslog_feed.py generate SAMPLE COUNT TAG OUT
      SAMPLE is one RFC 5424 message as Herald sent it (the receiver's --sample-file, no framing). Writes COUNT
      copies to OUT, each RFC 6587 octet-counted (`LEN SP MSG`), with the value of `event_id="…"` replaced by a
      distinct UUID-shaped id (36 characters, as Herald's: the messages keep the sample's size) that starts
      with the 8-hex-digit TAG, so that each phase's ids are new to the receiver. Prints key=value: messages,
      bytes, message_bytes.
  siem_syslog_feed.py send HOST PORT FILE
      Connects, then writes FILE as fast as the socket takes it (sendall of 4 MiB slices), closes its side and
      waits for the peer to close or 1 s. Prints key=value: bytes, start_ms (Unix ms just before the first
      write), end_ms (after the last write), seconds, client_cpu_s.
"""
import re
import socket
import sys
import time

ID = re.compile(rb'event_id="((?:[^"\\]|\\.)*)"')


def generate(sample_path: str, count: int, tag: str, out_path: str) -> int:
    with open(sample_path, "rb") as f:
        sample = f.read().rstrip(b"\n")
    match = ID.search(sample)
    if not match:
        print(f"no event_id=\"…\" in the sample {sample_path}", file=sys.stderr)
        return 1
    head, tail = sample[: match.start(1)], sample[match.end(1) :]
    prefix = int(tag, 16) & 0xFFFFFFFF
    total = 0
    with open(out_path, "wb", buffering=1 << 22) as out:
        for i in range(count):
            ident = b"%08x-0000-4000-8000-%012x" % (prefix, i)
            message = head + ident + tail
            frame = b"%d %s" % (len(message), message)
            out.write(frame)
            total += len(frame)
    print(f"messages={count} bytes={total} message_bytes={len(sample)}")
    return 0


def send(host: str, port: int, path: str) -> int:
    with open(path, "rb") as f:
        data = f.read()
    cpu = time.process_time()
    sock = socket.create_connection((host, port), timeout=120)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    view = memoryview(data)
    start = time.time()
    for offset in range(0, len(data), 1 << 22):
        sock.sendall(view[offset : offset + (1 << 22)])
    end = time.time()
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(1.0)
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass
    sock.close()
    cpu = time.process_time() - cpu
    print(
        f"bytes={len(data)} start_ms={start * 1000:.3f} end_ms={end * 1000:.3f} seconds={end - start:.3f}"
        f" client_cpu_s={cpu:.2f}"
    )
    return 0


def main() -> int:
    if len(sys.argv) == 6 and sys.argv[1] == "generate":
        return generate(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    if len(sys.argv) == 5 and sys.argv[1] == "send":
        return send(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
