#!/usr/bin/env python3
"""A Standard Webhooks receiver for Herald's end-to-end tests.

Listens on 127.0.0.1, verifies every POST with the `standardwebhooks` library, and appends one line
per request to the log file:

    <webhook-id> <TAB> verified|refused|incomplete <TAB> <path> <TAB> <status answered> <TAB> <error or ->

`incomplete` (status 0): the connection ended before the whole body arrived — the sender died mid-request
(the crash test's kill -9); nothing was verified and nothing answered.

Secrets are read from a JSON file on every request, so that the test can create its endpoints (and
learn their secrets) after the receiver is listening, and rotate them while it runs:

    {"/a": ["whsec_..."], "/b": ["whsec_new...", "whsec_old..."]}

A request verifies when any secret listed for its path (without the query) verifies it.

Usage:
    webhook_receiver.py --secrets FILE --log FILE --port-file FILE [--fail-first N]

    --port-file   the chosen port is written there once listening (atomically)
    --fail-first  answer 503 to the first N attempts of each webhook-id (retry tests)

Exit status 2 when the `standardwebhooks` library is missing (the Swift test turns it into a failure).
"""

import argparse
import collections
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

try:
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError
except ImportError as error:
    print(json.dumps({"missing": str(error)}), flush=True)
    sys.exit(2)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secrets", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    options = parser.parse_args()

    lock = threading.Lock()
    attempts = collections.Counter()
    log = open(options.log, "a", buffering=1, encoding="utf-8")

    def secrets_for(path):
        try:
            with open(options.secrets, encoding="utf-8") as handle:
                table = json.load(handle)
        except (OSError, ValueError):
            return []
        value = table.get(path, [])
        return [value] if isinstance(value, str) else list(value)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            path = urlsplit(self.path).path
            headers = {name.lower(): value for name, value in self.headers.items()}
            webhook_id = headers.get("webhook-id", "-")
            if len(body) < length:
                with lock:
                    log.write("\t".join([webhook_id, "incomplete", path, "0", "%d of %d bytes" % (len(body), length)]) + "\n")
                self.close_connection = True
                return
            verified, error = False, "no secret for " + path
            for secret in secrets_for(path):
                try:
                    Webhook(secret).verify(body, headers)
                    verified, error = True, "-"
                    break
                except (WebhookVerificationError, ValueError) as failure:
                    error = (type(failure).__name__ + ": " + str(failure)).replace("\t", " ").replace("\n", " ")
            with lock:
                attempts[webhook_id] += 1
                if not verified:
                    status = 401
                elif attempts[webhook_id] <= options.fail_first:
                    status = 503
                else:
                    status = 204
                log.write("\t".join([webhook_id, "verified" if verified else "refused", path, str(status), error]) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    temporary = options.port_file + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(str(server.server_address[1]))
    os.replace(temporary, options.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
