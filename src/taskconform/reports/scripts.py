"""A failure's reproduction as a POSIX shell script: its whole causal sequence, in order.

The script needs curl and python3 only. Every step sends the recorded request (keys as ``${ENV}``
references), prints what the target answered and, where the answer names a record the target just
assigned (``data.id``), reads that id into a variable: the closing lines say what the documents
expect in terms of those variables, never of the recorded run's ids, so the script shows the
violation on a fresh deployment too. Steps that were sent concurrently are sent concurrently again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..exchange import READ_METHODS
from ..findings import concurrent_groups
from .model import ReportedExchange

__all__ = ["shell_reproduction"]

# Reads ``data.id`` (or ``id``) from a JSON answer on stdin; prints nothing for any other answer.
_ID_READER = (
    "read_id() { python3 -c 'import json,sys\n"
    "try: d=json.load(sys.stdin)\n"
    "except ValueError: d=None\n"
    'd=d.get("data",d) if isinstance(d,dict) else None\n'
    'print(d.get("id","") if isinstance(d,dict) else "")\'; }'
)
# A key in a curl line: the redactor writes it as an environment variable reference.
_KEY_REFERENCE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")


def shell_reproduction(finding: Mapping[str, Any], steps: Sequence[ReportedExchange], check: str) -> str:
    """The script of ``finding`` (its clause, expected and actual texts) replaying ``steps``."""
    assigned = _assigned_ids(steps)
    origin = _origin(steps[0].request.url) if steps else ""
    keys = sorted({name for step in steps for name in _KEY_REFERENCE.findall(step.curl)})
    lines = [
        "#!/bin/sh",
        f"# Reproduces {finding['clause']}, found by {check}.",
        f"# The documents expect: {_comment(finding['expected'])}",
        f"# Seen in the recorded run: {_comment(finding['actual'])}",
        f"# Replays the {len(steps)} step(s) that led to it, in order; ids the target assigns are read",
        "# from its answers. Needs curl and python3. Against another deployment: BASE_URL=https://... sh",
        f"# this-script (the records in the URLs must exist there). Keys: {', '.join(keys) or 'none'}.",
        "set -u",
        f"BASE_URL=${{BASE_URL:-{origin}}}",
        "out=$(mktemp -d) && trap 'rm -rf \"$out\"' EXIT",
        _ID_READER,
    ]
    for group in concurrent_groups([step.concurrent for step in steps]):
        numbers = [index + 1 for index in group]
        together = len(numbers) > 1
        lines.append("")
        if together:
            lines.append(f"# Steps {numbers[0]}-{numbers[-1]} were sent concurrently; so are they here.")
        for number in numbers:
            lines += _step_lines(number, steps[number - 1], background=together)
        if together:
            lines.append("wait")
        for number in numbers:
            request = steps[number - 1].request
            sent = f"{request.method} {urlsplit(request.url).path}"
            answer = f'$(cat "$out/{number}.status") $(cat "$out/{number}")'
            lines.append(f'echo "step {number}: {sent} -> {answer}"')
            if number in assigned:
                lines.append(f'id{number}=$(read_id < "$out/{number}")')
    lines += ["", f'echo "The documents expect: {_with_ids(finding["expected"], assigned)}"']
    return "\n".join(lines) + "\n"


def _step_lines(number: int, step: ReportedExchange, *, background: bool) -> list[str]:
    request, response = step.request, step.response
    kind = "a read" if request.method.upper() in READ_METHODS else "a write"
    lines = [f"# Step {number}, {kind}: {request.method} {urlsplit(request.url).path}"]
    if step.note:
        lines.append(f"#   expected: {_comment(step.note)}")
    lines.append(f"#   seen in the recorded run: {response.status} {_comment(_clipped(response.body))}")
    curl = _on_base_url(step.curl, _origin(request.url))
    send = f'{curl} -o "$out/{number}" -w \'%{{http_code}}\\n\' > "$out/{number}.status"'
    lines.append(send + (" &" if background else ""))
    return lines


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _on_base_url(curl: str, origin: str) -> str:
    """The recorded origin as ``$BASE_URL``, inside a quoted word or not."""
    quoted = f"'{origin}"
    if quoted in curl:
        return curl.replace(quoted, '"${BASE_URL}"\'', 1)
    return curl.replace(origin, '"${BASE_URL}"', 1)


def _assigned_ids(steps: Sequence[ReportedExchange]) -> dict[int, str]:
    """Step number -> the id a write's answer assigned (its ``data.id``), as the recorded run saw it."""
    assigned: dict[int, str] = {}
    for number, step in enumerate(steps, start=1):
        if step.request.method.upper() in READ_METHODS:
            continue
        try:
            body = json.loads(step.response.body)
        except ValueError:
            continue
        data = body.get("data", body) if isinstance(body, dict) else None
        value = data.get("id") if isinstance(data, dict) else None
        fresh = str(value) not in assigned.values()  # a complete's answer names a task made earlier
        if isinstance(value, int | str) and not isinstance(value, bool) and str(value) and fresh:
            assigned[number] = str(value)
    return assigned


def _with_ids(text: str, assigned: Mapping[int, str]) -> str:
    """``text`` for a double-quoted shell word, each recorded id replaced by the variable holding the
    id the target assigns this time."""
    quoted = re.sub(r'(["\\$`])', r"\\\1", text)
    for number, value in sorted(assigned.items(), key=lambda item: -len(item[1])):
        quoted = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", f"${{id{number}}}", quoted)
    return quoted


def _comment(text: str) -> str:
    return " ".join(str(text).split())


def _clipped(body: str, limit: int = 160) -> str:
    return body if len(body) <= limit else body[:limit] + "…"
