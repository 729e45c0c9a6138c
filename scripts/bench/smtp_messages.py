"""The messages of `make bench-smtp`, shared by the Herald driver (smtp_send_mail.py) and the Python baseline
(smtp_baseline.py): mail n's recipient and template variables, and (for the baseline) the same template
rendered with a small Mustache and built as Herald builds it, with the standard library's `email` package.

Mail n goes to bench-<n>@recipients.example with code=<n, 6 digits> and
url=https://sso.example/verify?code=<code> (the variables of Herald's shipped `verification` template).
"""
import email.message
import email.policy
import email.utils
import html
import re


def recipient(n: int) -> str:
    return f"bench-{n}@recipients.example"


def variables(n: int) -> dict:
    code = f"{n:06d}"
    return {"code": code, "url": f"https://sso.example/verify?code={code}"}


_TAG = re.compile(r"\{\{\{\s*(?P<raw>.*?)\s*\}\}\}|\{\{(?P<kind>[&#^/!])?\s*(?P<name>.*?)\s*\}\}", re.S)


def render(source: str, context: dict, escape: bool) -> str:
    """Mustache as far as Herald's templates use it: `{{name}}` (HTML-escaped when `escape`), `{{{name}}}` and
    `{{&name}}` (never escaped), sections `{{#name}}…{{/name}}` and inverted sections `{{^name}}…{{/name}}` on
    plain string values, comments `{{! … }}`. As in Herald, an empty value counts as absent."""
    out, _ = _render(source, 0, context, escape, None)
    return out


def _render(source, position, context, escape, closing):
    parts = []
    while True:
        match = _TAG.search(source, position)
        if match is None:
            if closing is not None:
                raise ValueError(f"unclosed section {closing}")
            parts.append(source[position:])
            return "".join(parts), len(source)
        parts.append(source[position:match.start()])
        kind, name = match.group("kind"), match.group("name")
        if match.group("raw") is not None:
            kind, name = "{", match.group("raw")
        position = match.end()
        if kind == "/":
            if name != closing:
                raise ValueError(f"unexpected {{{{/{name}}}}}")
            return "".join(parts), position
        if kind == "!":
            continue
        value = context.get(name) or ""
        if kind in ("#", "^"):
            inner, position = _render(source, position, context, escape, name)
            if bool(value) == (kind == "#"):
                parts.append(inner)
        elif kind in ("{", "&") or not escape:
            parts.append(value)
        else:
            parts.append(html.escape(value, quote=True))


def build(template: dict, n: int, sender: str, message_id_domain: str) -> email.message.EmailMessage:
    """Mail n as an EmailMessage: multipart/alternative with the text and HTML parts, the headers Herald sets."""
    context = {k: v for k, v in variables(n).items() if v}
    subject = render(template["subject"], context, escape=False)
    html_part = render(template["html_body"], context, escape=True)
    text_source = template.get("text_body")
    text_part = render(text_source, context, escape=False) if text_source else re.sub(r"<[^>]*>", "", html_part)
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["Date"] = email.utils.formatdate(usegmt=True)
    message["From"] = sender
    message["To"] = recipient(n)
    message["Subject"] = subject
    message["Message-ID"] = email.utils.make_msgid(domain=message_id_domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text_part)
    message.add_alternative(html_part, subtype="html")
    return message
