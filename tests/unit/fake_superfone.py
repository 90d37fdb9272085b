"""A Superfone target whose client talks to an in-process fake server (``httpx.MockTransport``): unit
tests of how the suite sends, without a socket."""

from __future__ import annotations

from typing import Any

import httpx

from taskconform.client import ApiClient
from taskconform.concurrency import ConcurrencyLimit
from taskconform.config import RunSettings, VendorTarget
from taskconform.redaction import Redactor
from taskconform.target import Target, WorkerSlot
from taskconform.vendors import VENDORS

KEY = "sf-key-fake-5d1c"


def superfone_target(server: Any, leads: list[int], concurrency: int = 8) -> Target:
    """``server`` answers every request (a callable from ``httpx.Request`` to ``httpx.Response``)."""
    vendor = VENDORS["superfone"]
    client = ApiClient(
        "http://target.test",
        vendor.auth,
        KEY,
        Redactor({KEY: "SF_KEY"}),
        transport=httpx.MockTransport(server),
        concurrency=ConcurrencyLimit(concurrency),
    )
    options = {
        "api_key_env": "SF_KEY",
        "lead_ids": leads,
        "missing_lead_ids": [999],
        "foreign_lead_ids": [2001],
    }
    config = VendorTarget("superfone", "http://target.test", options, {"SF_KEY": KEY})
    return Target(vendor, config, client, RunSettings(), WorkerSlot())
