"""Key probes: each sends the configured key exactly as it says (or no key), requires a refusal, and
never lets the key out in a finding, though it travels in a header the vendor's scheme does not name."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from taskconform.client import WRONG_KEY
from taskconform.findings import Verification
from taskconform.probes import run_probe
from taskconform.target import Probe
from taskconform.vendors.leadlex import LEADLEX
from taskconform.vendors.smartlead import SMARTLEAD

from .test_leadlex_vendor import FULL, error, probe, target_answering
from .test_vendor_smartlead import KEY, _target

KEY_REQUIRED = "LL-CREATE-KEY-REQUIRED"
LEADLEX_KEY_PROBES = {
    "CREATE-no-authorization-header": None,
    "CREATE-key-in-basic-scheme": re.escape(f"Basic {FULL}"),
    "CREATE-key-in-token-scheme": re.escape(f"Token {FULL}"),
    "CREATE-unknown-key-of-the-documented-shape": "Bearer wbk_[0-9a-f]{40}",
    "CREATE-empty-bearer-token": "Bearer",
    "CREATE-key-followed-by-a-space-and-more": re.escape(f"Bearer {FULL} more"),
}


def test_every_leadlex_key_probe_is_listed_here() -> None:
    assert {p.id for p in LEADLEX.probes if p.clause == KEY_REQUIRED} == set(LEADLEX_KEY_PROBES)


@pytest.mark.parametrize(("name", "authorization"), LEADLEX_KEY_PROBES.items())
def test_a_leadlex_key_probe_sends_its_own_authorization_only(name: str, authorization: str | None) -> None:
    seen: list[httpx.Request] = []
    target = target_answering(error(401, "unauthorized"), seen)
    run_probe(target, Verification(target.client.redactor), probe(name))
    sent = seen[0].headers.get("Authorization")
    assert sent is None if authorization is None else re.fullmatch(authorization, sent or "")


@pytest.mark.parametrize(
    ("answer", "refused"),
    [
        (error(401, "unauthorized"), True),
        (error(403, "insufficient_permissions"), True),
        (error(400, "invalid_request"), True),
        (error(404, "not_found"), False),
        (httpx.Response(201, json={"data": {}}), False),
        (httpx.Response(500, text="Internal Server Error"), False),
    ],
)
@pytest.mark.parametrize("name", sorted(LEADLEX_KEY_PROBES))
def test_a_leadlex_key_probe_needs_a_refusal(name: str, answer: httpx.Response, refused: bool) -> None:
    target = target_answering(answer, [])
    verify = Verification(target.client.redactor)
    run_probe(target, verify, probe(name))
    assert (KEY_REQUIRED not in {f.clause for f in verify.findings}) is refused
    assert KEY_REQUIRED in verify.exercised
    rendered = json.dumps([f.to_dict(target.client.redactor) for f in verify.findings])
    assert FULL not in rendered


def smartlead_probe(name: str) -> Probe:
    return next(p for p in SMARTLEAD.probes if p.id == name)


@pytest.mark.parametrize(("status", "holds"), [(401, True), (200, False), (400, False)])
def test_smartlead_takes_no_key_from_a_header_over_a_wrong_api_key(status: int, holds: bool) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json={"ok": status == 200, "data": {}})

    target = _target(answer)
    verify = Verification(target.client.redactor)
    run_probe(target, verify, smartlead_probe("CREATE-wrong-key-beside-the-key-in-headers"))
    assert seen[0].url.params["api_key"] == WRONG_KEY
    assert (seen[0].headers["X-API-Key"], seen[0].headers["Authorization"]) == (KEY, f"Bearer {KEY}")
    assert ("SL-CREATE-ERR-AUTH" not in {f.clause for f in verify.findings}) is holds
    assert KEY not in json.dumps([f.to_dict(target.client.redactor) for f in verify.findings])


def test_smartlead_sends_an_empty_api_key() -> None:
    seen: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(401, json={"ok": False})

    target = _target(refuse)
    verify = Verification(target.client.redactor)
    run_probe(target, verify, smartlead_probe("CREATE-empty-key"))
    assert seen[0].url.params.get_list("api_key") == [""]
    assert verify.findings == []
