#!/usr/bin/env python3
"""Seeds organizations through the real admin API: POST /api/organizations {"slug","name"}.

Usage: seed_orgs.py ADMIN_URL KEY COUNT [PREFIX] [CONCURRENCY]

Slugs are PREFIX-1 … PREFIX-COUNT. Each worker thread keeps one keep-alive connection (http.client) and
takes the next number from a shared counter, so every slug is sent exactly once. A request that fails on
the wire is retried on a fresh connection (at most 5 times); a 409 on such a retry means the first attempt
went through. Prints "created N in S s (R req/s)" and exits non-zero unless all COUNT were created.
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    url = urllib.parse.urlsplit(sys.argv[1])
    key, count = sys.argv[2], int(sys.argv[3])
    prefix = sys.argv[4] if len(sys.argv) > 4 else "seed"
    concurrency = int(sys.argv[5]) if len(sys.argv) > 5 else 8
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    lock = threading.Lock()
    state = {"next": 1, "created": 0, "errors": []}

    def take() -> int | None:
        with lock:
            n = state["next"]
            if n > count or len(state["errors"]) >= 10:
                return None
            state["next"] = n + 1
            return n

    def worker() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while (n := take()) is not None:
            body = json.dumps({"slug": f"{prefix}-{n}", "name": f"Seed organization {n}"})
            for attempt in range(5):
                try:
                    conn.request("POST", "/api/organizations", body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                    continue
                if response.status == 201 or (response.status == 409 and attempt > 0):
                    with lock:
                        state["created"] += 1
                else:
                    with lock:
                        state["errors"].append(f"{prefix}-{n}: HTTP {response.status} {payload[:200]!r}")
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
                break
            else:
                with lock:
                    state["errors"].append(f"{prefix}-{n}: no answer after 5 attempts")
        conn.close()

    start = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    created = state["created"]
    print(f"created {created} organizations in {elapsed:.1f} s ({created / elapsed:.0f} req/s, {concurrency} connections)")
    for error in state["errors"]:
        print(f"  error: {error}", file=sys.stderr)
    return 0 if created == count else 1


if __name__ == "__main__":
    sys.exit(main())
