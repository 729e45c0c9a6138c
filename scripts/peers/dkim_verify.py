#!/usr/bin/env python3
"""Verify Herald's DKIM signatures with dkimpy, an independent implementation.

Reads a JSON array of cases from stdin and prints one JSON object per case, one per line:
    {"name": ..., "ok": true|false, "log": "what dkimpy said when it refused"}

Each case:
    {"name": "plain rsa",
     "message": "<base64 of the exact signed message bytes>",
     "records": {"<selector>._domainkey.<domain>": "v=DKIM1; k=...; p=..."},   # the DNS, nothing else
     "index": 0}                                                              # optional: which signature, from the top

No DNS query is made: dkimpy's `dnsfunc` answers from "records" only (a name that is not there has no
key). Index 0 goes through `dkim.verify(message, dnsfunc=...)`, the library's one-call API; other
indexes through `dkim.DKIM(message).verify(idx=..., dnsfunc=...)`. Keys under 1024 bits are refused
(dkimpy's default `minkey`, RFC 8301). Ed25519 needs PyNaCl.

Exit status: 0 when every case was evaluated (whatever its result), 2 when a library is missing.
"""

import base64
import io
import json
import logging
import sys

try:
    import dkim
    import nacl.signing  # noqa: F401  (dkimpy verifies ed25519-sha256 with PyNaCl)
except ImportError as error:  # the Swift test turns this into a "run make peers" failure
    print(json.dumps({"missing": str(error)}))
    sys.exit(2)


def dnsfunc_for(records):
    normalized = {name.lower().rstrip("."): value for name, value in records.items()}

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode("ascii", "replace")
        value = normalized.get(name.lower().rstrip("."))
        return value.encode("ascii") if value is not None else None

    return dnsfunc


def verify(case):
    message = base64.b64decode(case["message"])
    dnsfunc = dnsfunc_for(case.get("records", {}))
    index = case.get("index", 0)
    stream = io.StringIO()
    logger = logging.getLogger("dkim_verify." + str(id(case)))
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        if index == 0:
            ok = dkim.verify(message, logger=logger, dnsfunc=dnsfunc)
        else:
            try:
                ok = dkim.DKIM(message, logger=logger).verify(idx=index, dnsfunc=dnsfunc)
            except dkim.DKIMException as error:
                logger.error("%s", error)
                ok = False
    finally:
        logger.removeHandler(handler)
    lines = [line for line in stream.getvalue().splitlines() if not line.startswith(("sig:", "body hashed", "bh:"))]
    reason = "\n".join(lines[-6:]) or "the signature did not verify"
    return {"name": case["name"], "ok": bool(ok), "log": reason if not ok else ""}


def main():
    for case in json.load(sys.stdin):
        try:
            result = verify(case)
        except Exception as error:  # a crash of the verifier on one case is a refusal, with the reason
            result = {"name": case.get("name"), "ok": False, "log": "%s: %s" % (type(error).__name__, error)}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
