"""Load test of the bundled sandbox: many concurrent clients, mixed operations over shared leads.

Starts ``taskconform sandbox`` in its own process on loopback, runs CLIENTS threads issuing OPS
requests in total (create of every type, complete, list), then checks that every invariant of the
documents holds and that no task was lost or duplicated. Bounded in count and time; loopback only.

    python bench/load_sandbox.py [--clients 32] [--ops 4000]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

TYPES = ("FOLLOW_UP_CALL", "FIRST_CALL", "CALLBACK_REQUEST", "SITE_VISIT", "REMINDER", "BOOKING")
LEADS = tuple(range(1001, 1009))
KEY = "sf-sandbox-account-a"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(base: str, deadline_s: float = 20) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("the sandbox did not start")


class Load:
    def __init__(self, base: str, ops: int, seed: int) -> None:
        self.base = f"{base}/superfone/enterprise/api/lead"
        self.remaining = ops
        self.lock = threading.Lock()
        self.created: dict[int, list[int]] = {lead: [] for lead in LEADS}
        self.closed: list[int] = []
        self.statuses: Counter[str] = Counter()
        self.errors: list[str] = []
        self.observed_violations: list[str] = []  # seen in a list answer while the load was running
        self.random = random.Random(seed)

    def _take(self) -> tuple[str, int, str] | None:
        with self.lock:
            if self.remaining <= 0:
                return None
            self.remaining -= 1
            return (
                self.random.choices(("create", "complete", "list"), (5, 3, 2))[0],
                self.random.choice(LEADS),
                self.random.choice(TYPES),
            )

    def client(self) -> None:
        with httpx.Client(headers={"x-api-key": KEY}, timeout=30) as http:
            while (work := self._take()) is not None:
                operation, lead, task_type = work
                try:
                    self._one(http, operation, lead, task_type)
                except httpx.HTTPError as exc:
                    with self.lock:
                        self.errors.append(f"{operation} {lead}: {type(exc).__name__}")

    def _one(self, http: httpx.Client, operation: str, lead: int, task_type: str) -> None:
        if operation == "create":
            response = http.post(
                f"{self.base}/{lead}/task", json={"type": task_type, "due_date": "2030-01-01T10:00:00Z"}
            )
        elif operation == "complete":
            response = http.post(f"{self.base}/{lead}/task/complete")
        else:
            response = http.get(f"{self.base}/{lead}/task", params={"page_size": 20})
        expected = response.status_code == 200 or (operation == "complete" and response.status_code == 400)
        with self.lock:
            self.statuses[f"{operation} {response.status_code}"] += 1
            if not expected:
                self.errors.append(f"{operation} {lead}: {response.status_code} {response.text[:100]}")
            elif operation == "create":
                self.created[lead].append(response.json()["data"]["id"])
            elif operation == "complete" and response.status_code == 200:
                self.closed.append(response.json()["data"]["id"])
            elif operation == "list":
                rows = response.json()["data"]["rows"]
                open_now = [
                    r["id"] for r in rows if r["task_status"] == "PENDING" and r["type"] != "REMINDER"
                ]
                if len(open_now) > 1:
                    self.observed_violations.append(
                        f"lead {lead}: {len(open_now)} open non-reminder tasks at once"
                    )


def _all_tasks(base: str, lead: int) -> list[dict]:
    tasks, page = [], 1
    while True:
        data = httpx.get(
            f"{base}/{lead}/task", params={"page": page, "page_size": 20}, headers={"x-api-key": KEY}
        ).json()["data"]
        tasks += data["rows"]
        if page >= data["total_pages"]:
            return tasks
        page += 1


def _violations(load: Load) -> list[str]:
    problems = list(load.observed_violations)
    closed = Counter(load.closed)
    problems += [f"task {task} closed {n} times by complete" for task, n in closed.items() if n > 1]
    for lead in LEADS:
        tasks = _all_tasks(load.base, lead)
        ids = [task["id"] for task in tasks]
        if len(ids) != len(set(ids)):
            problems.append(f"lead {lead}: a task is listed twice")
        missing = set(load.created[lead]) - set(ids)
        if missing:
            problems.append(f"lead {lead}: created tasks lost: {sorted(missing)[:5]}")
        open_non_reminders = [
            t["id"] for t in tasks if t["task_status"] == "PENDING" and t["type"] != "REMINDER"
        ]
        if len(open_non_reminders) > 1:
            problems.append(f"lead {lead}: {len(open_non_reminders)} open non-reminder tasks")
        if any(task["customer_id"] != lead for task in tasks):
            problems.append(f"lead {lead}: lists a task of another lead")
        closed_here = {task["id"] for task in tasks if task["task_status"] == "COMPLETE"}
        if not {t for t in load.closed if t in set(ids)} <= closed_here:
            problems.append(f"lead {lead}: a completed task is not COMPLETE in the list")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--ops", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("reports/bench/load.json"))
    parser.add_argument(
        "--fault", action="append", default=[], help="load a faulty sandbox (shows detection)"
    )
    args = parser.parse_args()
    port = _free_port()
    faults = [arg for name in args.fault for arg in ("--fault", name)]
    server = subprocess.Popen(
        [sys.executable, "-m", "taskconform", "sandbox", "--port", str(port), *faults],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        load = Load(base, args.ops, args.seed)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            for _ in range(args.clients):
                pool.submit(load.client)
        elapsed = time.perf_counter() - started
        problems = _violations(load)
    finally:
        server.terminate()
        server.wait(timeout=10)
    figures = {
        "clients": args.clients,
        "operations": args.ops,
        "seconds": round(elapsed, 2),
        "operations_per_s": round(args.ops / elapsed, 1),
        "statuses": dict(sorted(load.statuses.items())),
        "tasks_created": sum(map(len, load.created.values())),
        "tasks_closed_by_complete": len(load.closed),
        "errors": len(load.errors),
        "invariant_violations": len(problems),
        "problems": problems[:20],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    return 1 if problems or load.errors else 0


if __name__ == "__main__":
    sys.exit(main())
