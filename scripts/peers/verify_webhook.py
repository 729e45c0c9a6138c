#!/usr/bin/env python3
"""Verify Herald's webhook signatures with independent implementations.

Reads a JSON array of cases from stdin and prints one JSON object per case, one per line:
    {"name": ..., "ok": true|false, "verifier": ..., "error": "..."}

Each case:
    {"name": "plain",
     "secret": "whsec_..."              # v1: verified by the `standardwebhooks` library
       or "public_key": "whpk_...",     # v1a: verified with `cryptography`'s Ed25519
          "public_key_pem": "-----BEGIN PUBLIC KEY-----..." (optional, must be the same key),
     "headers": {"webhook-id": ..., "webhook-timestamp": ..., "webhook-signature": ...},
     "body": "<base64 of the exact body bytes>"}

`standardwebhooks` (1.1.0) verifies only `v1` entries and ignores `v1a` ones, so asymmetric
signatures are checked here with `cryptography`, following the same rules as the library: the
headers must be present, the timestamp within 5 minutes of now, and one `v1a,` entry must verify
over "{id}.{timestamp}.{body}".

Exit status: 0 when every case was evaluated (whatever its result), 2 when a library is missing.
"""

import base64
import json
import sys
import time

try:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key
except ImportError as error:  # the Swift test turns this into a "run make peers" failure
    print(json.dumps({"missing": str(error)}))
    sys.exit(2)

TOLERANCE_SECONDS = 5 * 60


def verify_v1(case, body):
    Webhook(case["secret"]).verify(body, case["headers"], json_parse=False)


def verify_v1a(case, body):
    text = case["public_key"]
    raw = base64.b64decode(text[len("whpk_"):] if text.startswith("whpk_") else text, validate=True)
    key = Ed25519PublicKey.from_public_bytes(raw)
    if "public_key_pem" in case:
        pem_key = load_pem_public_key(case["public_key_pem"].encode())
        pem_raw = pem_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        if pem_raw != raw:
            raise ValueError("the PEM public key differs from the whpk_ key")
    headers = {k.lower(): v for k, v in case["headers"].items()}
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not (msg_id and timestamp and signatures):
        raise ValueError("missing required headers")
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        raise ValueError("timestamp outside the tolerance")
    content = f"{msg_id}.{timestamp}.".encode() + body
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version != "v1a":
            continue
        try:
            key.verify(base64.b64decode(signature, validate=True), content)
            return
        except InvalidSignature:
            continue
    raise ValueError("no matching v1a signature")


def main():
    cases = json.load(sys.stdin)
    for case in cases:
        body = base64.b64decode(case["body"])
        asymmetric = "public_key" in case
        result = {"name": case["name"], "verifier": "cryptography-ed25519" if asymmetric else "standardwebhooks"}
        try:
            (verify_v1a if asymmetric else verify_v1)(case, body)
            result["ok"] = True
        except (WebhookVerificationError, ValueError, UnicodeDecodeError) as error:
            result["ok"] = False
            result["error"] = f"{type(error).__name__}: {error}"
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
