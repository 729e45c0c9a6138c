#!/usr/bin/env python3
"""Sends benchmark mails through the real API: POST /api/mail with a service API key, one recipient each.

Usage: smtp_send_mail.py ADMIN_URL SERVICE_KEY COUNT [CONNECTIONS] [START] [TEMPLATE]

Mail n (START <= n < START + COUNT) goes to bench-<n>@recipients.example with the variables of
scripts/bench/smtp_messages.py (code and url: the `verification` template by default), over CONNECTIONS
keep-alive connections (http.client, one thread each), as fast as the daemon answers 202.
Prints one line of key=value: mails, seconds, rate (mails/s), request p50/p99 ms, first_ms/last_ms (Unix ms of
the first request sent and of the last answer), the client's own CPU seconds. Exits non-zero (the benchmark
cannot run) when a request is not answered 202.
"""
import http.client
import json
import math
import os
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtp_messages  # noqa: E402


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    url = urllib.parse.urlsplit(sys.argv[1])
    key, count = sys.argv[2], int(sys.argv[3])
    connections = max(1, int(sys.argv[4]) if len(sys.argv) > 4 else 4)
    start_n = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    template = sys.argv[6] if len(sys.argv) > 6 else "verification"
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    lock = threading.Lock()
    state = {"next": 0, "done": 0, "errors": [], "latencies": [], "first": None, "last": 0.0}

    def take():
        with lock:
            n = state["next"]
            if n >= count or state["errors"]:
                return None
            state["next"] = n + 1
            if state["first"] is None:
                state["first"] = time.time()
            return start_n + n

    def worker() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        latencies = []
        while (n := take()) is not None:
            body = json.dumps(
                {"template": template, "to": [smtp_messages.recipient(n)], "variables": smtp_messages.variables(n)}
            ).encode()
            began = time.monotonic()
            try:
                conn.request("POST", "/api/mail", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    state["errors"].append(f"mail {n}: {error}")
                break
            latencies.append(time.monotonic() - began)
            if response.status != 202:
                with lock:
                    state["errors"].append(f"mail {n}: HTTP {response.status} {payload[:300]!r}")
                break
            with lock:
                state["done"] += 1
                state["last"] = time.time()
        conn.close()
        with lock:
            state["latencies"].extend(latencies)

    cpu = time.process_time()
    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu
    latencies = sorted(state["latencies"]) or [0.0]

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, max(0, math.ceil(p * len(latencies)) - 1))] * 1000

    print(
        f"mails={state['done']} seconds={elapsed:.3f} rate={state['done'] / elapsed:.0f} connections={connections}"
        f" p50_ms={pct(0.5):.2f} p99_ms={pct(0.99):.2f} first_ms={(state['first'] or 0) * 1000:.3f}"
        f" last_ms={state['last'] * 1000:.3f} client_cpu_s={cpu:.2f}"
    )
    for error in state["errors"][:5]:
        print(f"send error: {error}", file=sys.stderr)
    return 0 if state["done"] == count else 1


if __name__ == "__main__":
    sys.exit(main())
