#!/usr/bin/env python3
"""The Python baseline of `make bench-smtp`: the same templated messages sent with the standard library.

Usage: smtp_baseline.py HOST:PORT TEMPLATE_JSON COUNT [START] [CONNECTIONS] [FROM] [MESSAGE_ID_DOMAIN]

TEMPLATE_JSON is a file with the template as Herald's API returns it (subject, html_body, text_body). Mail n
(START <= n < START + COUNT) is rendered with scripts/bench/smtp_messages.py (a small Mustache over the same
template text, `email.message.EmailMessage` with text and HTML alternatives, the headers Herald sets) just
before it is sent, and sent with `smtplib.SMTP.send_message` (MAIL FROM, RCPT TO, DATA: one transaction per
message, one recipient each) over ONE connection opened (and EHLO said) before the first message and reused
for every message, QUIT at the end. With CONNECTIONS > 1, that many processes (not threads: no shared GIL)
each send their share of the messages over their own connection, for context.
Prints one line of key=value: messages, seconds (first send to last 250, the connections' set-up excluded),
rate (messages/s), render_s (building the messages), client_cpu_s (every process). Exits non-zero when a
message is refused.
"""
import json
import multiprocessing
import os
import smtplib
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import smtp_messages  # noqa: E402


def send_share(host, port, template, numbers, sender, domain, start_barrier, results):
    envelope_from = sender[sender.find("<") + 1:sender.rfind(">")] if "<" in sender else sender
    smtp = smtplib.SMTP(host, port, timeout=60)
    smtp.ehlo("baseline.localhost")
    if start_barrier is not None:
        start_barrier.wait()
    cpu = time.process_time()
    render = 0.0
    first = time.time()
    refused = 0
    for n in numbers:
        began = time.perf_counter()
        message = smtp_messages.build(template, n, sender, domain)
        render += time.perf_counter() - began
        try:
            smtp.send_message(message, from_addr=envelope_from, to_addrs=[smtp_messages.recipient(n)])
        except smtplib.SMTPException as error:
            refused += 1
            print(f"baseline: message {n} refused: {error}", file=sys.stderr)
    last = time.time()
    smtp.quit()
    results.put((len(numbers) - refused, first, last, render, time.process_time() - cpu))


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    host, _, port = sys.argv[1].rpartition(":")
    with open(sys.argv[2], encoding="utf-8") as file:
        template = json.load(file)
    count = int(sys.argv[3])
    start_n = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    connections = max(1, int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    sender = sys.argv[6] if len(sys.argv) > 6 else "Herald <noreply@herald.example>"
    domain = sys.argv[7] if len(sys.argv) > 7 else "herald.example"
    numbers = list(range(start_n, start_n + count))
    shares = [numbers[i::connections] for i in range(connections)]
    if connections == 1:
        import queue

        results = queue.Queue()
        send_share(host or "127.0.0.1", int(port), template, shares[0], sender, domain, None, results)
        outcomes = [results.get()]
    else:
        context = multiprocessing.get_context("fork")
        results = context.Queue()
        barrier = context.Barrier(connections)
        processes = [
            context.Process(
                target=send_share,
                args=(host or "127.0.0.1", int(port), template, share, sender, domain, barrier, results))
            for share in shares
        ]
        for process in processes:
            process.start()
        outcomes = [results.get() for _ in processes]
        for process in processes:
            process.join()
    sent = sum(o[0] for o in outcomes)
    first = min(o[1] for o in outcomes)
    last = max(o[2] for o in outcomes)
    seconds = max(last - first, 1e-9)
    print(
        f"messages={sent} seconds={seconds:.3f} rate={sent / seconds:.0f} connections={connections}"
        f" render_s={sum(o[3] for o in outcomes):.2f} client_cpu_s={sum(o[4] for o in outcomes):.2f}"
    )
    return 0 if sent == count else 1


if __name__ == "__main__":
    sys.exit(main())
