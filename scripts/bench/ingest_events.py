#!/usr/bin/env python3
"""Ingests benchmark events through the real API: POST /api/events with a service API key.

Usage: ingest_events.py ADMIN_URL SERVICE_KEY ORG_ID COUNT [BATCH] [CONNECTIONS] [TYPES] [START] [RATE]

Event n (START <= n < START + COUNT) has type TYPES % (n % TYPES_COUNT) when TYPES contains `%d` and TYPES_COUNT
is given as `PATTERN:COUNT` (e.g. `audit.bench.e%d:8` gives audit.bench.e0 … audit.bench.e7, one per endpoint),
else TYPES itself; its data is {"bench_sent_ms": <Unix ms just before its batch is sent>, "n": n}.
Batches of BATCH (at most 1,000, the ingest maximum) go out as fast as the daemon answers (or, with RATE > 0,
batch k not before k * BATCH / RATE seconds after the start), over CONNECTIONS keep-alive connections
(http.client, one thread each), each batch built just before it is sent.
Prints one line of key=value: events, seconds, rate (events/s), batch p50/p99 ms, the client's own CPU
seconds. Exits non-zero (the benchmark cannot run) when a batch is not answered 201.
"""
import http.client
import math
import sys
import threading
import time
import urllib.parse


def main() -> int:
    if len(sys.argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    url = urllib.parse.urlsplit(sys.argv[1])
    key, org_id, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
    batch = min(1000, max(1, int(sys.argv[5]) if len(sys.argv) > 5 else 1000))
    connections = max(1, int(sys.argv[6]) if len(sys.argv) > 6 else 2)
    types = sys.argv[7] if len(sys.argv) > 7 else "audit.bench.event"
    start_n = int(sys.argv[8]) if len(sys.argv) > 8 else 0
    pace = float(sys.argv[9]) if len(sys.argv) > 9 else 0.0
    pattern, type_count = types, 0
    if "%d" in types and ":" in types:
        pattern, _, counted = types.rpartition(":")
        type_count = max(1, int(counted))
    type_names = [pattern % i for i in range(type_count)] if type_count else [pattern]
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    prefix = '{"events":['

    lock = threading.Lock()
    state = {"next": 0, "done": 0, "errors": [], "latencies": []}

    def take():
        with lock:
            first = state["next"]
            if first >= count or state["errors"]:
                return None
            n = min(batch, count - first)
            state["next"] = first + n
            return first, n

    def body(first: int, n: int) -> bytes:
        sent = f"{time.time() * 1000:.3f}"
        items = []
        for i in range(start_n + first, start_n + first + n):
            name = type_names[i % len(type_names)]
            items.append(f'{{"type":"{name}","org_id":"{org_id}","data":{{"bench_sent_ms":{sent},"n":{i}}}}}')
        return (prefix + ",".join(items) + "]}").encode()

    def worker() -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=120)
        while (job := take()) is not None:
            if pace > 0:
                delay = start + job[0] / pace - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            data = body(*job)
            began = time.monotonic()
            try:
                conn.request("POST", "/api/events", body=data, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    state["errors"].append(f"batch at {job[0]}: {error}")
                break
            elapsed = time.monotonic() - began
            with lock:
                if response.status != 201:
                    state["errors"].append(f"batch at {job[0]}: HTTP {response.status} {payload[:300]!r}")
                else:
                    state["done"] += job[1]
                    state["latencies"].append(elapsed)
        conn.close()

    cpu = time.process_time()
    start = time.monotonic()  # read by the workers (pacing)
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    cpu = time.process_time() - cpu
    latencies = sorted(state["latencies"]) or [0.0]

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, max(0, math.ceil(p * len(latencies)) - 1))] * 1000

    print(
        f"events={state['done']} seconds={elapsed:.3f} rate={state['done'] / elapsed:.0f} batches={len(state['latencies'])}"
        f" batch={batch} connections={connections} batch_p50_ms={pct(0.5):.1f} batch_p99_ms={pct(0.99):.1f}"
        f" client_cpu_s={cpu:.2f} paced={pace:.0f}"
    )
    for error in state["errors"]:
        print(f"ingest error: {error}", file=sys.stderr)
    return 0 if state["done"] == count else 1


if __name__ == "__main__":
    sys.exit(main())
