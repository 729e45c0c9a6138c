#!/usr/bin/env python3
"""Seeds SCIM users through the real SCIM API: POST {BASE_URL}/Users.

Usage: SCIM_TOKEN=... scim_seed.py BASE_URL FIRST LAST [IDS_FILE] [CONCURRENCY]

BASE_URL is the SCIM base (e.g. http://127.0.0.1:8080/scim/v2); the bearer token comes from the
SCIM_TOKEN environment variable, so that it stays out of `ps`. Users FIRST … LAST (inclusive) are
created with userName `user{i}@bench.example`, a name, one work email, a displayName and active=true.
Each worker thread keeps one keep-alive connection (http.client; it reconnects by itself when the server
closes the connection) and takes the next number from a shared counter, so every userName is sent exactly
once. A request that fails on the wire is retried on a fresh connection (at most 5 times); a 409 on such a
retry means that the first attempt went through, and the id is then looked up with a userName filter.

Every created user is appended to IDS_FILE as a line `i id`. A progress line is printed every 10 %, then
"created N users in S s (R req/s, C connections)". Exits non-zero unless every user was created with a 201
that carried an id (the first 10 errors stop the run and are printed).
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

CONTENT_TYPE = "application/scim+json"


def user_body(i: int) -> str:
    name = f"user{i}@bench.example"
    return json.dumps({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": name,
        "name": {"givenName": "Bench", "familyName": f"User{i}", "formatted": f"Bench User{i}"},
        "displayName": f"Bench User {i}",
        "emails": [{"value": name, "type": "work", "primary": True}],
        "active": True,
    })


def main() -> int:
    if len(sys.argv) < 4 or not os.environ.get("SCIM_TOKEN"):
        print(__doc__, file=sys.stderr)
        return 2
    url = urllib.parse.urlsplit(sys.argv[1].rstrip("/"))
    first, last = int(sys.argv[2]), int(sys.argv[3])
    ids_path = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
    concurrency = int(sys.argv[5]) if len(sys.argv) > 5 else 8
    users_path = url.path + "/Users"
    headers = {
        "Authorization": f"Bearer {os.environ['SCIM_TOKEN']}",
        "Content-Type": CONTENT_TYPE,
        "Accept": CONTENT_TYPE,
    }
    count = last - first + 1
    if count <= 0:
        print("nothing to seed")
        return 0

    lock = threading.Lock()
    state = {"next": first, "created": 0, "errors": [], "step": 1}
    ids: list[str] = []
    start = time.monotonic()

    def take() -> int | None:
        with lock:
            n = state["next"]
            if n > last or len(state["errors"]) >= 10:
                return None
            state["next"] = n + 1
            return n

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(url.hostname, url.port, timeout=60)

    def lookup(conn: http.client.HTTPConnection, i: int) -> str | None:
        query = urllib.parse.urlencode({"filter": f'userName eq "user{i}@bench.example"'})
        conn.request("GET", f"{users_path}?{query}", headers=headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status != 200:
            return None
        resources = json.loads(payload).get("Resources") or []
        return resources[0].get("id") if len(resources) == 1 else None

    def done(i: int, user_id: str) -> None:
        with lock:
            state["created"] += 1
            ids.append(f"{i} {user_id}")
            created = state["created"]
            if created * 10 >= state["step"] * count:
                elapsed = time.monotonic() - start
                print(f"  {created}/{count} users ({100 * created // count} %) in {elapsed:.1f} s "
                      f"({created / elapsed:.0f} req/s)", flush=True)
                state["step"] = created * 10 // count + 1

    def fail(message: str) -> None:
        with lock:
            state["errors"].append(message)

    def worker() -> None:
        conn = connect()
        while (i := take()) is not None:
            body = user_body(i)
            for attempt in range(5):
                try:
                    conn.request("POST", users_path, body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    if response.status == 201:
                        user_id = json.loads(payload).get("id")
                        if user_id:
                            done(i, user_id)
                        else:
                            fail(f"user{i}: 201 without an id: {payload[:200]!r}")
                    elif response.status == 409 and attempt > 0:
                        user_id = lookup(conn, i)
                        if user_id:
                            done(i, user_id)
                        else:
                            fail(f"user{i}: 409 on retry, and the filter did not find it")
                    else:
                        fail(f"user{i}: HTTP {response.status} {payload[:300]!r}")
                except (OSError, http.client.HTTPException, ValueError):
                    conn.close()
                    conn = connect()
                    continue
                break
            else:
                fail(f"user{i}: no answer after 5 attempts")
        conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    created = state["created"]
    if ids_path:
        with open(ids_path, "a", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in ids))
    print(f"created {created} users in {elapsed:.1f} s ({created / elapsed:.0f} req/s, {concurrency} connections)")
    for error in state["errors"]:
        print(f"  error: {error}", file=sys.stderr)
    return 0 if created == count else 1


if __name__ == "__main__":
    sys.exit(main())
