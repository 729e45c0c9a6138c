#!/usr/bin/env python3
"""Summarizes the JSON report of `scim-sanity probe --json-output` and fails on any failed or errored check.

Usage: scim_sanity_report.py REPORT_JSON

Prints one line per check that did not pass (status, phase, name, message), the issues scim-sanity derived
from them, and the summary line "scim-sanity: total T, passed P, failed F, errors E, warnings W, skipped S".
Exits 1 if any check failed or errored, if the report has no checks, or if it cannot be read.
"""
import json
import sys


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(sys.argv[1], encoding="utf-8") as f:
            report = json.load(f)
        results = report["results"]
        summary = report["summary"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"scim-sanity: no usable JSON report in {sys.argv[1]}: {e}")
        return 1
    for r in results:
        if r.get("status") != "pass":
            print(f"  {r.get('status', '?').upper():5} [{r.get('phase', '')}] {r.get('name', '')}: {r.get('message', '')}")
    for issue in report.get("issues") or []:
        print(f"  issue {issue.get('priority', '')}: {issue.get('title', '')} ({issue.get('affected_tests', '?')} checks)")
    counts = {s: sum(1 for r in results if r.get("status") == s) for s in ("pass", "fail", "error", "warn", "skip")}
    print(f"scim-sanity {report.get('scim_sanity_version', '?')} ({report.get('mode', '?')} mode): "
          f"total {summary.get('total', len(results))}, passed {summary.get('passed', counts['pass'])}, "
          f"failed {summary.get('failed', counts['fail'])}, errors {summary.get('errors', counts['error'])}, "
          f"warnings {summary.get('warnings', counts['warn'])}, skipped {summary.get('skipped', counts['skip'])}")
    bad = counts["fail"] + counts["error"] + int(summary.get("failed") or 0) + int(summary.get("errors") or 0)
    return 1 if bad or not results else 0


if __name__ == "__main__":
    sys.exit(main())
