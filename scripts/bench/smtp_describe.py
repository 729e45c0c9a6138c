#!/usr/bin/env python3
"""Describes one message as the SMTP sink received it (GET /_sample), for the header of `make bench-smtp`.

Usage: smtp_describe.py FILE

Prints one line: the size, the top-level type, and each part's type, charset, transfer encoding and decoded
size, parsed with the standard library's `email` package (so that Herald's messages and the baseline's can be
seen to be the same kind of message).
"""
import email
import email.policy
import sys


def main() -> int:
    with open(sys.argv[1], "rb") as file:
        raw = file.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    for part in message.walk():
        if part.is_multipart():
            continue
        body = part.get_content()
        parts.append(
            f"{part.get_content_type()} {part.get_content_charset()} {part.get('Content-Transfer-Encoding', '7bit')}"
            f" {len(body.encode('utf-8'))} chars"
        )
    headers = ",".join(message.keys())
    print(f"{len(raw)} bytes, {message.get_content_type()} [{'; '.join(parts)}], headers {headers}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
