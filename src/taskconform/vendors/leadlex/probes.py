"""LeadLex's documented error rows, each provoked on its own by one request (see ``probes``)."""

from __future__ import annotations

import secrets

from ...checks import body_strings
from ...client import AuthMode
from ...exchange import Exchange
from ...probes import KeyProbe
from ...target import AnswerCheck, Probe, Target

__all__ = ["PROBES"]

# LL-CREATE-KEY-REQUIRED: which refusal answers a request without a valid key is LL-OPEN-AUTH-FAILURE:
# 403 is the documented refusal, 401 HTTP's status for missing or invalid credentials, 400 the
# documented rejection (and RFC 6750's answer to a malformed Authorization header).
_KEY_REFUSALS = (400, 401, 403)


def _error_code_is(code: str) -> AnswerCheck:
    """The row's code wherever the body carries it: only an example shows it as ``error.code``
    (LL-CREATE-ERROR-BODY, an example-level clause)."""

    def check(target: Target, exchange: Exchange) -> tuple[bool, str]:
        return code in body_strings(exchange), f"the error code {code!r} in the body"

    return check


def _carries_orphan_message(target: Target, exchange: Exchange) -> tuple[bool, str]:
    return ORPHAN_MESSAGE in body_strings(exchange), f"the example's message {ORPHAN_MESSAGE!r}"


def _client_error(target: Target, exchange: Exchange) -> tuple[bool, str]:
    return 400 <= exchange.status < 500, "a client error (4xx); the page gives no status or code for it"


def _refused(target: Target, exchange: Exchange) -> tuple[bool, str]:
    """No task can be read back (LL-OPEN-REJECTED-WRITES): the answer alone shows nothing was created."""
    return exchange.status in _KEY_REFUSALS, "a refusal, 400, 401 or 403 (LL-OPEN-AUTH-FAILURE), never a 2xx"


def _ambiguous_with_candidates(target: Target, exchange: Exchange) -> tuple[bool, str]:
    """Where the candidate UUIDs sit in the body is not documented: look in every string of it."""
    candidates = target.option("ambiguous_contact_ids")
    text = "\n".join(body_strings(exchange)).lower()
    found = "ambiguous_reference" in body_strings(exchange) and all(c in text for c in candidates)
    return found, f"the error code 'ambiguous_reference' and the candidate UUIDs {', '.join(candidates)}"


_TITLE = "taskconform probe"
# The message of the page's "Orphan-task rejection example".
ORPHAN_MESSAGE = "At least one parent link (contact_id, company_id, deal_id, or event_id) is required"
_OWN_CONTACT = {"title": _TITLE, "contact_id": "{own}"}
# A name no contact or company plausibly bears. What a name matching nothing gives is not documented
# (LL-OPEN-CONTACT-NAME-NO-MATCH, LL-OPEN-COMPANY-NAME): any answer but a 5xx.
_NO_SUCH_NAME = "Qzxv Wkjp Taskconform"


def _authorized_as(probe_id: str, authorization: str) -> KeyProbe:
    """A valid body whose only Authorization header is ``authorization``, formatted with the workspace's
    writing key as ``{key}``: the one key a wrongly accepted request would create a task with."""
    return KeyProbe(
        f"CREATE-{probe_id}",
        "LL-CREATE-KEY-REQUIRED",
        "createTask",
        json_body=_OWN_CONTACT,
        auth=AuthMode.MISSING,
        headers=lambda key: {"Authorization": authorization.format(key=key)},
        status=None,
        answer_check=_refused,
    )


def _documented_answer(probe_id: str, body: dict[str, object]) -> Probe:
    """A body whose answer the page leaves open (LL-OPEN-INVALID-VALUES, a name matching nothing, a
    company name matching one company: LL-OPEN-COMPANY-NAME): whatever it is, it is one of the
    documented statuses, never a 5xx. A deal or a contact of ours is the parent link, so a server
    that accepts the body links a configured record (and, with a name, only what that name matches:
    the configured company, or none, unless the matching is looser than any reading of "fuzzy")."""
    return Probe(
        f"CREATE-{probe_id}", "LL-CREATE-DOCUMENTED-STATUSES", "createTask", json_body=body, status=None
    )


def _key_probes() -> tuple[Probe, ...]:
    """Every way of sending no valid key that the page's one header form rules out.

    The unknown key has the documented shape (``wbk_`` and 40 hex digits, drawn at random when the suite
    loads), so only the lookup can refuse it. An empty token is the scheme word alone: a header value's
    trailing space is no part of it (RFC 9110).
    """
    return (
        Probe(
            "CREATE-no-authorization-header",
            "LL-CREATE-KEY-REQUIRED",
            "createTask",
            json_body=_OWN_CONTACT,
            auth=AuthMode.MISSING,
            status=None,
            answer_check=_refused,
        ),
        _authorized_as("key-in-basic-scheme", "Basic {key}"),
        _authorized_as("key-in-token-scheme", "Token {key}"),
        _authorized_as("unknown-key-of-the-documented-shape", f"Bearer wbk_{secrets.token_hex(20)}"),
        _authorized_as("empty-bearer-token", "Bearer"),
        _authorized_as("key-followed-by-a-space-and-more", "Bearer {key} more"),
    )


PROBES = (
    Probe(
        "CREATE-missing-title",
        "LL-CREATE-TITLE-REQUIRED",
        "createTask",
        json_body={"contact_id": "{own}", "priority": "low"},
        answer_check=_error_code_is("validation_error"),
    ),
    Probe(
        "CREATE-missing-title-deal-link",
        "LL-CREATE-TITLE-REQUIRED",
        "createTask",
        json_body={"deal_id": "{deal}", "description": "no title"},
        answer_check=_error_code_is("validation_error"),
    ),
    Probe(
        "CREATE-no-parent-link",
        "LL-CREATE-PARENT-LINK-REQUIRED",
        "createTask",
        json_body={"title": _TITLE},
        answer_check=_error_code_is("validation_error"),
    ),
    Probe(
        "CREATE-no-parent-link-example-message",
        "LL-CREATE-EXAMPLE-ORPHAN-MESSAGE",
        "createTask",
        json_body={"title": _TITLE},
        status=None,
        answer_check=_carries_orphan_message,
    ),
    Probe(
        "CREATE-no-parent-link-documented-fields",
        "LL-CREATE-PARENT-LINK-REQUIRED",
        "createTask",
        json_body={
            "title": _TITLE,
            "description": "every documented field but the links",
            "status": "in_progress",
            "priority": "high",
            "due_date": "2030-01-15",
        },
        answer_check=_error_code_is("validation_error"),
    ),
    Probe(
        "CREATE-foreign-contact",
        "LL-CREATE-CONTACT-WORKSPACE",
        "createTask",
        json_body={"title": _TITLE, "contact_id": "{foreign}"},
        status=None,
        answer_check=_client_error,
    ),
    Probe(
        "CREATE-unknown-contact",
        "LL-CREATE-CONTACT-WORKSPACE",
        "createTask",
        json_body={"title": _TITLE, "contact_id": "{missing}"},
        status=None,
        answer_check=_client_error,
    ),
    Probe(
        "CREATE-ambiguous-contact-name",
        "LL-CREATE-CONTACT-NAME-AMBIGUOUS",
        "createTask",
        # A deal as well, so the body has a parent link whether or not a name counts as one.
        json_body={"title": _TITLE, "deal_id": "{deal}", "contact_name": "{ambiguous_name}"},
        needs=("ambiguous_contact_ids",),
        answer_check=_ambiguous_with_candidates,
    ),
    Probe(
        "CREATE-without-write-permission",
        "LL-CREATE-PERMISSION",
        "createTask",
        json_body=_OWN_CONTACT,
        key_option="readonly_api_key_env",
        status=403,
        answer_check=_error_code_is("insufficient_permissions"),
    ),
    *_key_probes(),
    Probe(
        "CREATE-malformed-json",
        "LL-CREATE-DOCUMENTED-STATUSES",
        "createTask",
        content=b'{"title": "taskconform probe", "contact_id": ',
        status=None,
    ),
    Probe(
        "CREATE-not-an-object",
        "LL-CREATE-DOCUMENTED-STATUSES",
        "createTask",
        content=b'["title", "contact_id"]',
        status=None,
    ),
    _documented_answer(
        "contact-id-not-a-string", {"title": _TITLE, "deal_id": "{deal}", "contact_id": 12345}
    ),
    _documented_answer(
        "due-date-not-a-calendar-day", {"title": _TITLE, "contact_id": "{own}", "due_date": "2030-02-30"}
    ),
    _documented_answer(
        "contact-name-matching-nothing", {"title": _TITLE, "deal_id": "{deal}", "contact_name": _NO_SUCH_NAME}
    ),
    _documented_answer(
        "company-name-matching-nothing", {"title": _TITLE, "deal_id": "{deal}", "company_name": _NO_SUCH_NAME}
    ),
    _documented_answer(
        "company-name-matching-one-company",
        {"title": _TITLE, "deal_id": "{deal}", "company_name": "{unique_company}"},
    ),
)
