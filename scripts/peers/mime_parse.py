#!/usr/bin/env python3
"""Parse one raw mail message with Python's `email` package and print a JSON summary.

Usage: mime_parse.py [FILE]   (reads stdin without FILE or with "-"; standard library only)

The message is parsed with `email.message_from_bytes(raw, policy=email.policy.default)`, the
parser that Python mail tools use, and the summary holds what it decoded:

    {"headers": {"From": "...", "Subject": "...", ...},    # decoded, None when absent
     "header_names": ["Date", "From", ...],                 # every top-level field, in order
     "addresses": {"From": [{"name": "...", "address": "..."}], "To": [...], "Reply-To": [...]},
     "date": "2026-12-01T14:11:44+00:00",                   # the Date header as parsed
     "content_type": "multipart/alternative", "boundary": "...",
     "parts": [{"content_type": "text/plain", "charset": "utf-8",
                "transfer_encoding": "quoted-printable", "text": "..."}],  # leaf parts, in order
     "defects": ["<part>: <DefectClass>: <text>", ...],     # message and header defects
     "lines": {"count": n, "max_length": n, "bare_lf": n, "bare_cr": n, "ends_with_crlf": true}}

Decoded text is given as the parser returns it: line breaks in bodies stay CRLF.
"""

import email
import email.policy
import json
import sys

HEADERS = ["From", "To", "Reply-To", "Subject", "Message-ID", "Date", "Auto-Submitted", "MIME-Version", "Content-Type"]
ADDRESS_HEADERS = ["From", "To", "Reply-To"]


def header_defects(where, part):
    found = []
    for name in part.keys():
        for value in part.get_all(name, []):
            for defect in getattr(value, "defects", ()):
                found.append(f"{where} {name}: {type(defect).__name__}: {defect}")
    return found


def line_summary(raw):
    lines = raw.split(b"\r\n")
    if lines and lines[-1] == b"":
        lines = lines[:-1]
    return {
        "count": len(lines),
        "max_length": max((len(line) for line in lines), default=0),
        "bare_lf": sum(line.count(b"\n") for line in lines),
        "bare_cr": sum(line.count(b"\r") for line in lines),
        "ends_with_crlf": raw.endswith(b"\r\n"),
    }


def summarize(raw):
    message = email.message_from_bytes(raw, policy=email.policy.default)
    headers = {}
    for name in HEADERS:
        value = message[name]
        headers[name] = None if value is None else str(value)
    addresses = {}
    for name in ADDRESS_HEADERS:
        value = message[name]
        if value is not None:
            addresses[name] = [{"name": item.display_name, "address": item.addr_spec} for item in value.addresses]
    date = message["Date"]
    parts = []
    defects = []
    for index, part in enumerate(message.walk()):
        where = "message" if index == 0 else f"part {index}"
        defects += [f"{where}: {type(defect).__name__}: {defect}" for defect in part.defects]
        defects += header_defects(where, part)
        if part.is_multipart():
            continue
        encoding = part.get("Content-Transfer-Encoding")
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": None if encoding is None else str(encoding).lower(),
            "text": part.get_content() if part.get_content_maintype() == "text" else None,
        })
    return {
        "headers": headers,
        "header_names": list(message.keys()),
        "addresses": addresses,
        "date": None if date is None or date.datetime is None else date.datetime.isoformat(),
        "content_type": message.get_content_type(),
        "boundary": message.get_boundary(),
        "parts": parts,
        "defects": defects,
        "lines": line_summary(raw),
    }


def main():
    if len(sys.argv) > 1 and sys.argv[1] != "-":
        with open(sys.argv[1], "rb") as handle:
            raw = handle.read()
    else:
        raw = sys.stdin.buffer.read()
    json.dump(summarize(raw), sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
