#!/usr/bin/env python3
"""A strict RFC 5424 / RFC 6587 syslog receiver for Herald's end-to-end tests (Python 3 standard library only).

Listens on 127.0.0.1 (TCP, port 0 unless --port), prints {"port": N} on stdout once listening, and parses
every connection's byte stream as RFC 6587 §3.4.1 octet-counted frames, `MSG-LEN SP SYSLOG-MSG`, strictly:
MSG-LEN is a nonzero digit then digits, the message must be an RFC 5424 message with VERSION 1
(`<PRI>1 `, PRI 0…191), a TIMESTAMP (NILVALUE or RFC 3339), HOSTNAME/APP-NAME/PROCID/MSGID of printable
US-ASCII within their limits, and STRUCTURED-DATA whose `herald@32473` element carries `event_id`,
`event_type` and `severity` (PARAM-VALUEs unescaped: `\\"`, `\\\\`, `\\]`). Anything else is an error, recorded
in the output file; the connection is then closed, since a stream cannot be resynchronised after a bad frame.

One JSON line per message is appended to OUTPUT (flushed after every read, so a test can poll it):

    {"conn": C, "n": K, "seq": S, "event_id": "...", "event_type": "...", "org_id": "...", "data_n": N}

C numbers connections in the order they were accepted (from 1), K numbers the messages of a connection in
their order of arrival (from 1), S numbers every message received in their order of arrival (from 1),
`data_n` is `data.n` of the native JSON MSG when it has one (else null). Other lines:

    {"conn": C, "open": true}                     a connection was accepted
    {"conn": C, "closed": true, "cut": B, "bytes": T}
                                                  it ended after T octets; B octets of an unfinished frame were
                                                  left (a sender killed mid-write), 0 on a frame boundary
    {"conn": C, "error": "..."}                   a protocol error (the test fails on any)

--rate limits the bytes read per second on each connection, so that TCP backpressure slows the sender down:
the crash test needs the forward to last long enough to kill the daemon in the middle of it. --rcvbuf (a small
receive window) and --mss (small segments: Linux sizes a sender's send buffer from its congestion window in
segments) keep what the kernel holds between the sender and this receiver small, so that what the receiver
has read stays close to what the sender has written. The receiver exits when its stdin is closed (its test
is gone).

Usage:
    syslog_receiver.py OUTPUT [--port N] [--rate BYTES_PER_SECOND] [--rcvbuf BYTES] [--mss BYTES] [--chunk BYTES]
"""

import argparse
import asyncio
import json
import os
import re
import socket
import sys
import threading
import time

SD_ID = "herald@32473"
PRI_VERSION = re.compile(rb"<([0-9]{1,3})>1 ")
TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})"
)
HEADER_LIMITS = (("HOSTNAME", 255), ("APP-NAME", 48), ("PROCID", 128), ("MSGID", 32))
MAX_FRAME = 1 << 20  # far above the syslog connector's max_event_bytes


class ProtocolError(Exception):
    pass


def parse_header_field(message, start, name, limit):
    """A header field: 1…limit printable US-ASCII octets (33…126) followed by SP."""
    end = message.find(b" ", start)
    if end < 0:
        raise ProtocolError(f"{name}: no SP after it")
    field = message[start:end]
    if not 1 <= len(field) <= limit:
        raise ProtocolError(f"{name}: {len(field)} octets (1…{limit} allowed)")
    if any(byte < 33 or byte > 126 for byte in field):
        raise ProtocolError(f"{name}: {field!r} is not printable US-ASCII")
    return field.decode("ascii"), end + 1


def sd_name(message, start, what):
    """An SD-NAME: 1…32 printable US-ASCII octets except '=', SP, ']' and '"'."""
    end = start
    while end < len(message) and 33 <= message[end] <= 126 and message[end] not in b'= ]"':
        end += 1
    if not 1 <= end - start <= 32:
        raise ProtocolError(f"{what}: an SD-NAME of {end - start} octets at offset {start}")
    return message[start:end].decode("ascii"), end


def parse_structured_data(message, start):
    """STRUCTURED-DATA: NILVALUE or 1*SD-ELEMENT. Returns ({sd_id: {name: value}}, offset after it)."""
    if message[start:start + 1] == b"-":
        return {}, start + 1
    elements = {}
    position = start
    if message[position:position + 1] != b"[":
        raise ProtocolError(f"STRUCTURED-DATA: neither '-' nor '[' at offset {position}")
    while message[position:position + 1] == b"[":
        sd_id, position = sd_name(message, position + 1, "SD-ID")
        if sd_id in elements:
            raise ProtocolError(f"SD-ID {sd_id} appears twice")
        parameters = {}
        while message[position:position + 1] == b" ":
            name, position = sd_name(message, position + 1, "PARAM-NAME")
            if message[position:position + 2] != b'="':
                raise ProtocolError(f"PARAM-NAME {name}: no '=\"' after it")
            position += 2
            value = bytearray()
            while True:
                if position >= len(message):
                    raise ProtocolError(f"PARAM-VALUE of {name}: no closing '\"'")
                byte = message[position]
                if byte == 0x5C:  # backslash
                    following = message[position + 1:position + 2]
                    if following in (b'"', b"\\", b"]"):
                        value += following
                        position += 2
                        continue
                    value.append(byte)  # RFC 5424 §6.3.3: any other backslash is kept as it is
                    position += 1
                    continue
                if byte == 0x22:  # '"'
                    position += 1
                    break
                if byte == 0x5D:  # ']' must be escaped inside a value
                    raise ProtocolError(f"PARAM-VALUE of {name}: an unescaped ']'")
                value.append(byte)
                position += 1
            try:
                parameters[name] = value.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ProtocolError(f"PARAM-VALUE of {name} is not UTF-8: {error}")
        if message[position:position + 1] != b"]":
            raise ProtocolError(f"SD-ELEMENT {sd_id}: no closing ']' at offset {position}")
        position += 1
        elements[sd_id] = parameters
    return elements, position


def parse_message(message):
    """One RFC 5424 SYSLOG-MSG. Returns what the output line records about it."""
    match = PRI_VERSION.match(message)
    if not match:
        raise ProtocolError(f"the message does not start with '<PRI>1 ': {bytes(message[:20])!r}")
    if int(match.group(1)) > 191 or (len(match.group(1)) > 1 and match.group(1)[:1] == b"0"):
        raise ProtocolError(f"PRI {match.group(1).decode()} is not 0…191")
    position = match.end()
    end = message.find(b" ", position)
    if end < 0:
        raise ProtocolError("TIMESTAMP: no SP after it")
    timestamp = message[position:end].decode("ascii", "replace")
    if timestamp != "-" and not TIMESTAMP.fullmatch(timestamp):
        raise ProtocolError(f"TIMESTAMP {timestamp!r} is not RFC 3339")
    position = end + 1
    header = {}
    for name, limit in HEADER_LIMITS:
        header[name], position = parse_header_field(message, position, name, limit)
    elements, position = parse_structured_data(message, position)
    if position < len(message):
        if message[position:position + 1] != b" ":
            raise ProtocolError(f"no SP between STRUCTURED-DATA and MSG at offset {position}")
        body = message[position + 1:]
    else:
        body = b""
    herald = elements.get(SD_ID)
    if herald is None:
        raise ProtocolError(f"no {SD_ID} element (elements: {sorted(elements)})")
    for name in ("event_id", "event_type", "severity"):
        if not herald.get(name):
            raise ProtocolError(f"{SD_ID} has no {name}")
    if header["MSGID"] != herald["event_type"][:32]:
        raise ProtocolError(f"MSGID {header['MSGID']!r} is not the event type {herald['event_type']!r}")
    data_n = None
    if body[:1] == b"{":  # the native schema's JSON: its id must be the element's
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise ProtocolError(f"MSG looks like JSON but does not parse: {error}")
        if document.get("id") != herald["event_id"]:
            raise ProtocolError(f"MSG id {document.get('id')!r} is not event_id {herald['event_id']!r}")
        n = (document.get("data") or {}).get("n")
        data_n = n if isinstance(n, int) else None
    return {
        "event_id": herald["event_id"],
        "event_type": herald["event_type"],
        "org_id": herald.get("org_id"),
        "data_n": data_n,
    }


class Receiver:
    def __init__(self, output, rate, chunk):
        self.output = open(output, "a", encoding="utf-8")
        self.rate = rate
        self.chunk = chunk
        self.connections = 0
        self.messages = 0

    def write(self, record):
        self.output.write(json.dumps(record, separators=(",", ":")) + "\n")

    async def serve(self, loop, listener):
        while True:
            client, _ = await loop.sock_accept(listener)
            self.connections += 1
            loop.create_task(self.connection(loop, client, self.connections))

    async def connection(self, loop, client, conn):
        self.write({"conn": conn, "open": True})
        self.output.flush()
        buffer = bytearray()
        arrived = 0
        taken = 0
        ready = time.monotonic()  # when the next read may happen: the rate holds without bursts after idling
        try:
            while True:
                data = await loop.sock_recv(client, self.chunk)
                if not data:
                    break
                buffer += data
                arrived, consumed = self.frames(buffer, conn, arrived)
                del buffer[:consumed]
                self.output.flush()
                taken += len(data)
                if self.rate:
                    now = time.monotonic()
                    ready = max(ready, now) + len(data) / self.rate
                    if ready > now:
                        await asyncio.sleep(ready - now)
            self.write({"conn": conn, "closed": True, "cut": len(buffer), "bytes": taken})
        except ProtocolError as error:
            self.write({"conn": conn, "error": str(error)})
        except OSError as error:
            self.write({"conn": conn, "closed": True, "cut": len(buffer), "bytes": taken, "reset": str(error)})
        finally:
            self.output.flush()
            client.close()

    def frames(self, buffer, conn, arrived):
        """Parses the whole frames at the front of buffer; returns (messages so far, octets consumed)."""
        position = 0
        while True:
            space = buffer.find(b" ", position, position + 8)
            if space < 0:
                if len(buffer) - position >= 8:
                    raise ProtocolError(f"no MSG-LEN: {bytes(buffer[position:position + 16])!r}")
                break
            length = buffer[position:space]
            if not length.isdigit() or length[:1] == b"0":
                raise ProtocolError(f"MSG-LEN {bytes(length)!r} is not a nonzero number")
            size = int(length)
            if size > MAX_FRAME:
                raise ProtocolError(f"MSG-LEN {size} is over {MAX_FRAME}")
            if len(buffer) < space + 1 + size:
                break
            record = parse_message(bytes(buffer[space + 1:space + 1 + size]))
            arrived += 1
            self.messages += 1
            self.write({"conn": conn, "n": arrived, "seq": self.messages, **record})
            position = space + 1 + size
        return arrived, position


def exit_when_stdin_closes():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rate", type=float, default=0, help="bytes read per second per connection (0: no limit)")
    parser.add_argument("--rcvbuf", type=int, default=0, help="SO_RCVBUF of accepted connections (0: the default)")
    parser.add_argument("--mss", type=int, default=0, help="TCP_MAXSEG of accepted connections (0: the default)")
    parser.add_argument("--chunk", type=int, default=65536, help="bytes per read")
    options = parser.parse_args()

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if options.rcvbuf:
        # Set before listen(): accepted sockets inherit it, and the window they advertise follows it.
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, options.rcvbuf)
    if options.mss:
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, options.mss)
    listener.bind(("127.0.0.1", options.port))
    listener.listen(64)
    listener.setblocking(False)
    receiver = Receiver(options.output, options.rate, options.chunk)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print(json.dumps({"port": listener.getsockname()[1]}), flush=True)
    await receiver.serve(asyncio.get_running_loop(), listener)


if __name__ == "__main__":
    asyncio.run(main())
