"""The speed of taskconform, measured against the sandbox on loopback, in one run.

Prints and writes ``reports/bench/latest.json`` and ``reports/bench/latest.png``:
  1. wall time and requests/s of ``taskconform run`` at each profile, with 1 and 2 workers;
  2. plain ``schemathesis run`` (CLI) on the same specs and budget — its time, and its kill rate on
     the selftest fault catalogue (its generic checks tuned until the faithful sandbox passes) beside ours;
  3. a raw httpx loop replaying exactly the requests of a quick run — the floor — and our time per
     request as a ratio to it (the median of --repeat recorded runs); with --profile-run, where the
     quick suite's time goes, by package (pyinstrument);
  4. the same run against the slow variation (+30 ms a request) with 1 and 2 workers (the median of
     --repeat pairs);
  5. latency: the sandbox behind a loopback proxy that delays every request by 30 ms and by 100 ms,
     quick (and with --latency-profiles, thorough, sampled on one vendor) at --concurrency 1 and the
     default, each with its ratio to the same run without the delay and its lower bound, the longest
     dependent chain times the delay (the chain: the most requests one after another, counted by the
     proxy in a run at --concurrency 64); threads or asyncio for the overlap, measured; with
     --latency-thorough, the whole thorough profile at +30 ms.

    python -m pip install ".[bench]" && python bench/run_bench.py [--profiles quick,standard,thorough]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import io
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from taskconform.profiles import PROFILES
from taskconform.resources import spec_path
from taskconform.run_options import DEFAULT_CONCURRENCY
from taskconform.sandbox import DEFAULT_KEYS, SandboxOptions, create_app
from taskconform.sandbox.faults import load_faults
from taskconform.sandbox.registry import VENDORS as SANDBOX_VENDORS
from taskconform.sandbox.target_config import sandbox_key_env, sandbox_target_toml
from taskconform.vendors import VENDORS

OUT = Path("reports/bench")
# Schemathesis failure codes -> the generic check that raises them (st explain --list).
CHECK_OF_CODE = {
    "ST101": "not_a_server_error",
    "ST102": "not_a_server_error",
    "ST103": "status_code_conformance",
    "ST104": "content_type_conformance",
    "ST105": "content_type_conformance",
    "ST106": "content_type_conformance",
    "ST107": "response_headers_conformance",
    "ST108": "response_schema_conformance",
    "ST109": "response_schema_conformance",
    "ST110": "response_schema_conformance",
    "ST111": "response_schema_conformance",
    "ST113": "not_a_server_error",
    "ST114": "response_schema_conformance",
    "ST115": "response_schema_conformance",
    "ST201": "negative_data_rejection",
    "ST202": "positive_data_acceptance",
    "ST203": "missing_required_header",
    "ST204": "unsupported_method",
    "ST205": "allow_header_conformance",
    "ST206": "positive_data_acceptance",
    "ST401": "ignored_auth",
}


def _taskconform(*args: str, env: dict[str, str] | None = None) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "taskconform", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return time.perf_counter() - started, done.returncode, done.stdout + done.stderr


def _report(report_dir: Path) -> dict[str, Any]:
    return json.loads((report_dir / "latest" / "report.json").read_text())


class Recorder:
    """ASGI middleware that writes down every request, so a raw client can replay the same traffic."""

    def __init__(self, app: Any, log: list[tuple[str, str, bytes, dict[str, str]]]) -> None:
        self.app, self.log = app, log

    async def __call__(self, scope: Any, receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http" or scope["path"] == "/healthz":
            await self.app(scope, receive, send)
            return
        body = b""
        messages = []
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {
            k.decode(): v.decode()
            for k, v in scope["headers"]
            if k.decode() not in ("host", "content-length")
        }
        query = scope["query_string"].decode()
        self.log.append((scope["method"], scope["path"] + ("?" + query if query else ""), body, headers))
        replay = iter(messages)

        async def replayed() -> Any:
            return next(replay)

        await self.app(scope, replayed, send)


BENCH_KEYS = {
    vendor: tuple(f"{role}-bench-{i}" for i, role in enumerate(roles))
    for vendor, roles in DEFAULT_KEYS.items()
}


def _serve(port: int, record: str, faults: list[str], variations: list[str]) -> None:
    """Server mode (a child process, like the sandbox of a real run): record requests until SIGINT."""
    from taskconform.sandbox import serve_forever

    log: list[tuple[str, str, bytes, dict[str, str]]] = []
    app = create_app(
        SandboxOptions(keys=BENCH_KEYS, faults=frozenset(faults), variations=frozenset(variations))
    )
    serve_forever(Recorder(app, log) if record else app, port=port)
    if record:
        lines = [json.dumps([m, p, base64.b64encode(b).decode(), h]) for m, p, b, h in log]
        Path(record).write_text("\n".join(lines) + "\n")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _sandbox(
    record: Path | None = None,
    faults: frozenset[str] = frozenset(),
    variations: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """A sandbox in its own process, as in a real run, so that client and server do not share a GIL."""
    port = _free_port()
    command = [sys.executable, __file__, "--serve", str(port), "--record", str(record or "")]
    command += [a for f in faults for a in ("--fault", f)] + [
        a for v in variations for a in ("--variation", v)
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        with tempfile.TemporaryDirectory() as folder:
            config = Path(folder) / "target.toml"
            config.write_text(sandbox_target_toml(base))
            yield base, config, sandbox_key_env(BENCH_KEYS)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def measure_profiles(profiles: list[str]) -> list[dict[str, Any]]:
    rows = []
    for profile in profiles:
        for workers in (1, 2):
            with tempfile.TemporaryDirectory() as folder:
                wall, code, _ = _taskconform(
                    "run", "--profile", profile, "--workers", str(workers), "--report-dir", folder
                )
                report = _report(Path(folder))
            requests = report["tests"]["requests"]
            rows.append(
                {
                    "profile": profile,
                    "workers": workers,
                    "wall_s": round(wall, 2),
                    "exit": code,
                    "requests": requests,
                    "requests_per_s": round(requests / wall, 1),
                }
            )
            print(
                f"  run --profile {profile} --workers {workers}: {wall:.1f} s, {requests} requests, "
                f"{requests / wall:.0f} req/s, exit {code}"
            )
    return rows


def _floor_once() -> dict[str, Any]:
    """One quick run with its requests recorded, then the same requests replayed by raw httpx."""
    with tempfile.TemporaryDirectory() as folder:
        recording = Path(folder) / "requests.jsonl"
        with _sandbox(record=recording) as (_, config, env):
            wall, _, _ = _taskconform("run", "--config", str(config), "--report-dir", folder, env=env)
        report = _report(Path(folder))
        requests = [json.loads(line) for line in recording.read_text().splitlines() if line]
    with _sandbox() as (base, _, _), httpx.Client(base_url=base, timeout=30) as client:
        started = time.perf_counter()
        for method, path, body, headers in requests:
            client.request(method, path, content=base64.b64decode(body) or None, headers=headers)
        floor = time.perf_counter() - started
    ours, waited = report["tests"]["test_time_s"], report["tests"]["generation_s"]
    return {
        "requests": len(requests),
        "raw_httpx_s": round(floor, 3),
        "suite_test_time_s": ours,
        "waited_for_generation_s": waited,
        "overhead_ratio": round(ours / floor, 2),
        "suite_wall_s": round(wall, 2),
    }


def measure_floor(repeat: int) -> dict[str, Any]:
    """The median of ``repeat`` recorded runs: single figures on a shared machine are noise."""
    runs = [_floor_once() for _ in range(repeat)]
    median = sorted(runs, key=lambda run: run["overhead_ratio"])[(len(runs) - 1) // 2]
    n = median["requests"]
    figures = {
        **median,
        "raw_ms_per_request": round(1000 * median["raw_httpx_s"] / n, 3),
        "suite_ms_per_request": round(1000 * median["suite_test_time_s"] / n, 3),
        "overhead_ratios": [run["overhead_ratio"] for run in runs],
    }
    print(
        f"  floor: {n} requests replayed by raw httpx in {median['raw_httpx_s']:.2f} s "
        f"({figures['raw_ms_per_request']} ms each)\n"
        f"  the suite's tests took {median['suite_test_time_s']:.2f} s ({figures['suite_ms_per_request']} ms "
        f"each, {median['waited_for_generation_s']:.2f} s of it waiting for generated requests): "
        f"{median['overhead_ratio']}x the floor (median of {repeat}: {figures['overhead_ratios']}); "
        f"whole run {median['suite_wall_s']:.1f} s"
    )
    return figures


def _schemathesis_config(
    vendor: str, base_url: str, keys: tuple[str, ...], folder: Path, checks: str
) -> list[str]:
    """Plain `st run` for one vendor's spec, authenticated the way its spec declares."""
    spec = yaml.safe_load(spec_path(VENDORS[vendor].spec_file).read_text())
    lines = []
    for name, scheme in spec.get("components", {}).get("securitySchemes", {}).items():
        value = "bearer" if scheme.get("type") == "http" else "api_key"
        lines.append(f'[auth.openapi.{name}]\n{value} = "{keys[0]}"\n')
    config = folder / f"{vendor}.toml"
    config.write_text("\n".join(lines))
    prefix = next(v.prefix for v in SANDBOX_VENDORS if v.name == vendor)
    return [
        "st",
        "--config-file",
        str(config),
        "run",
        str(spec_path(VENDORS[vendor].spec_file)),
        "--url",
        base_url + prefix,
        "--max-examples",
        str(PROFILES["quick"].fuzz_examples),
        "--phases",
        "examples,coverage,fuzzing",
        "--generation-deterministic",
        "--checks",
        checks,
        "--request-timeout",
        "10",
    ]


def _st_run(vendor: str, checks: str, faults: frozenset[str] = frozenset()) -> tuple[float, int, str]:
    with _sandbox(faults=faults) as (base, _, _), tempfile.TemporaryDirectory() as folder:
        command = _schemathesis_config(vendor, base, BENCH_KEYS[vendor], Path(folder), checks)
        started = time.perf_counter()
        # In the temporary folder: schemathesis keeps a .schemathesis/ cache in its working directory.
        done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder)
        return time.perf_counter() - started, done.returncode, done.stdout


def _tuned_checks(vendor: str) -> tuple[list[str], float]:
    """Drop each generic check that fails the faithful sandbox, until it passes."""
    checks = sorted(set(CHECK_OF_CODE.values()))
    wall = 0.0
    for _ in range(6):
        wall, code, output = _st_run(vendor, ",".join(checks))
        failing = {CHECK_OF_CODE.get(c) for c in re.findall(r"(ST\d{3})", output)} - {None}
        if code == 0 or not failing & set(checks):
            break
        checks = [c for c in checks if c not in failing]
    return checks, wall


def measure_schemathesis() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for vendor in VENDORS:
        checks, wall = _tuned_checks(vendor)
        faults = [f.name for f in load_faults() if f.vendor == vendor]
        kept = ",".join(checks)
        with ThreadPoolExecutor(max_workers=2) as pool:
            codes = list(pool.map(lambda f, v=vendor, c=kept: _st_run(v, c, frozenset({f}))[1], faults))
        killed = [f for f, code in zip(faults, codes, strict=True) if code == 1]
        results[vendor] = {
            "checks_kept": checks,
            "correct_run_s": round(wall, 2),
            "faults": len(faults),
            "killed": len(killed),
            "kill_rate": round(len(killed) / len(faults), 3) if faults else None,
            "survivors": sorted(set(faults) - set(killed)),
        }
        print(
            f"  schemathesis {vendor}: {wall:.1f} s on the faithful sandbox with {len(checks)} checks kept; "
            f"kills {len(killed)}/{len(faults)} faults"
        )
    return results


def measure_ours_kill_rate() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        wall, code, _ = _taskconform("selftest", "--report-dir", folder)
        summary = json.loads((Path(folder) / "selftest.json").read_text())["summary"]
    print(
        f"  taskconform selftest: {summary['killed']}/{summary['faults']} faults killed, "
        f"{len(summary['false_alarms'])} false alarms, {wall:.0f} s"
    )
    return {**summary, "wall_s": round(wall, 1), "exit": code}


def _slow_once(workers: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        wall, code, output = _taskconform(
            "run", "--variation", "slow", "--workers", str(workers), "--report-dir", folder
        )
    if code != 0:
        raise SystemExit(f"the slow variation did not conform (exit {code}):\n{output}")
    return wall


def measure_slow(repeat: int) -> list[dict[str, Any]]:
    """1 and 2 workers, ``repeat`` times in turn; the pair with the median speed-up counts."""
    pairs = [(_slow_once(1), _slow_once(2)) for _ in range(repeat)]
    one, two = sorted(pairs, key=lambda pair: pair[0] / pair[1])[(repeat - 1) // 2]
    speedups = [round(a / b, 2) for a, b in pairs]
    rows: list[dict[str, Any]] = [
        {"workers": 1, "wall_s": round(one, 2), "exit": 0},
        {"workers": 2, "wall_s": round(two, 2), "exit": 0},
        {"speedup_2_vs_1": round(one / two, 2), "speedups": speedups},
    ]
    print(
        f"  slow variation: 1 worker {one:.1f} s, 2 workers {two:.1f} s: {one / two:.2f}x "
        f"(median of {repeat}: {speedups})"
    )
    return rows


class _Turns:
    """One connection's requests and answers, which take turns (HTTP/1.1): when each request arrived
    and when its answer began, into ``intervals``."""

    def __init__(self, intervals: list[tuple[float, float]]) -> None:
        self.intervals = intervals
        self.asked_at: float | None = None

    def asked(self, now: float) -> None:
        if self.asked_at is None:  # a request's later chunks change nothing
            self.asked_at = now

    def answered(self, now: float) -> None:
        if self.asked_at is not None:
            self.intervals.append((self.asked_at, now))
            self.asked_at = None


# The concurrency of the runs that measure the longest dependent chain: no limit a quick run reaches, so
# only what depends on an earlier answer waits for it.
UNLIMITED = 64


class DelayingProxy:
    """A TCP proxy on loopback holding every chunk a client sends for ``delay_s`` before passing it on,
    in order: each request costs that much more, as over a network, while requests on other
    connections overlap their waits as they would there. It keeps when each request arrived and when
    its answer began (``intervals``): the longest chain of requests one after another (``chain``)."""

    def __init__(self, upstream_port: int, delay_s: float) -> None:
        self.upstream_port, self.delay_s = upstream_port, delay_s
        self.port = _free_port()
        self.intervals: list[tuple[float, float]] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> DelayingProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _close(self) -> None:
        self._server.close()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    def chain(self) -> int:
        """The most requests of which each was sent after the one before it was answered: what no
        concurrency overlaps (the classic greedy: the earliest answer first)."""
        length, free_at = 0, float("-inf")
        for start, end in sorted(self.intervals, key=lambda interval: interval[1]):
            if start >= free_at:
                length, free_at = length + 1, end
        return length

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)

    async def _connection(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        upstream_in, upstream_out = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        turns = _Turns(self.intervals)
        with contextlib.suppress(asyncio.CancelledError):  # the proxy closing: nothing to report
            await asyncio.gather(
                self._pump(client_in, upstream_out, self.delay_s, turns.asked),
                self._pump(upstream_in, client_out, 0.0, turns.answered),
            )

    async def _pump(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        delay_s: float,
        seen: Callable[[float], None],
    ) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, chunk = await queue.get()
                if not chunk:
                    break
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                sink.write(chunk)
                await sink.drain()
            sink.close()

        delivering = asyncio.ensure_future(deliver())
        try:
            while chunk := await source.read(65536):
                seen(time.monotonic())
                queue.put_nowait((time.monotonic() + delay_s, chunk))
        except ConnectionError:
            pass
        queue.put_nowait((0.0, b""))
        with contextlib.suppress(ConnectionError):
            await delivering


@dataclass(frozen=True)
class DelayedRun:
    wall_s: float
    requests: int
    chain: int  # the longest chain of requests one after another (0: no proxy, no count)


def _delayed_run(delay_ms: int, *args: str) -> DelayedRun:
    """A run against a fresh sandbox (a run leaves tasks behind, and a listing grows with them), through
    a proxy adding ``delay_ms`` to every request (0: none)."""
    with _sandbox() as (base, config, env), tempfile.TemporaryDirectory() as folder:
        upstream = int(base.rpartition(":")[2])
        with contextlib.ExitStack() as stack:
            proxy = stack.enter_context(DelayingProxy(upstream, delay_ms / 1000)) if delay_ms else None
            port = proxy.port if proxy else upstream
            target = Path(folder) / "target.toml"
            target.write_text(config.read_text().replace(base, f"http://127.0.0.1:{port}"))
            wall, code, output = _taskconform(
                "run", "--config", str(target), "--report-dir", folder, *args, env=env
            )
        if code != 0:
            raise SystemExit(f"a latency run did not conform (exit {code}):\n{output}")
        return DelayedRun(wall, _report(Path(folder))["tests"]["requests"], proxy.chain() if proxy else 0)


def measure_latency(profiles: list[str], sample_vendor: str) -> list[dict[str, Any]]:
    """For each profile, delay and concurrency: the wall time, its ratio to the same run without delay,
    and the lower bound it is judged against: the longest dependent chain times the delay.

    In any run, the requests of a dependent chain come one after another, so every run's count of
    requests one after another is at least that chain: the smallest count seen (a run with no
    concurrency limit, and the measured runs) is the tightest bound these runs give."""
    rows: list[dict[str, Any]] = []
    for profile in profiles:
        sample = ["--only", sample_vendor] if profile == "thorough" else []
        name = profile + (f" ({sample_vendor} only)" if sample else "")
        for delay_ms in (30, 100):
            limit = _delayed_run(delay_ms, "--profile", profile, "--concurrency", str(UNLIMITED), *sample)
            runs = []
            for concurrency in (1, DEFAULT_CONCURRENCY):
                args = ["--profile", profile, "--concurrency", str(concurrency), *sample]
                runs.append((concurrency, _delayed_run(0, *args), _delayed_run(delay_ms, *args)))
            chain = min([limit.chain, *(delayed.chain for _, _, delayed in runs)])
            lower_bound = chain * delay_ms / 1000
            print(
                f"  {name} +{delay_ms} ms: longest dependent chain at most {chain} requests, "
                f"{lower_bound:.1f} s (one after another at --concurrency {UNLIMITED}: {limit.chain})"
            )
            for concurrency, loopback, delayed in runs:
                row = {
                    "profile": name,
                    "delay_ms": delay_ms,
                    "concurrency": concurrency,
                    "requests": delayed.requests,
                    "wall_s": round(delayed.wall_s, 1),
                    "loopback_s": round(loopback.wall_s, 1),
                    "ratio": round(delayed.wall_s / loopback.wall_s, 2),
                    "chain": delayed.chain,
                    "longest_dependent_chain": chain,
                    "lower_bound_s": round(lower_bound, 1),
                    "waiting_s": round(delayed.wall_s - loopback.wall_s, 1),
                }
                rows.append(row)
                print(
                    f"  {name} +{delay_ms} ms, --concurrency {concurrency}: {delayed.wall_s:.1f} s, "
                    f"{row['ratio']}x loopback {loopback.wall_s:.1f} s; waited {row['waiting_s']} s for a "
                    f"lower bound of {lower_bound:.1f} s ({delayed.chain} requests one after another; "
                    f"{delayed.requests} in all)"
                )
    return rows


def measure_thorough_at(delay_ms: int) -> dict[str, Any]:
    """The whole thorough profile, every vendor, at the default concurrency and one worker, with and
    without ``delay_ms`` on every request (issue 17's bar: within 4 minutes at +30 ms)."""
    args = ["--profile", "thorough"]
    loopback, delayed = _delayed_run(0, *args), _delayed_run(delay_ms, *args)
    print(
        f"  thorough, every vendor, +{delay_ms} ms, --concurrency {DEFAULT_CONCURRENCY}: "
        f"{delayed.wall_s:.1f} s (loopback {loopback.wall_s:.1f} s; {delayed.requests} requests, "
        f"{delayed.chain} one after another)"
    )
    return {
        "delay_ms": delay_ms,
        "concurrency": DEFAULT_CONCURRENCY,
        "wall_s": round(delayed.wall_s, 1),
        "loopback_s": round(loopback.wall_s, 1),
        "requests": delayed.requests,
        "chain": delayed.chain,
    }


def _threads_or_asyncio_once(base: str, paths: list[str], concurrency: int) -> dict[str, float]:
    """The same reads, ``concurrency`` at a time: threads over one pooled ``httpx.Client`` (what the
    suite does), and asyncio over one ``httpx.AsyncClient``."""

    def read(client: httpx.Client, path: str) -> None:
        client.get(path).read()

    with httpx.Client(base_url=base, timeout=30) as client, ThreadPoolExecutor(concurrency) as pool:
        started = time.perf_counter()
        list(pool.map(lambda path: read(client, path), paths))
        threads = time.perf_counter() - started

    async def read_all() -> float:
        room = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:

            async def read(path: str) -> None:
                async with room:
                    await client.get(path)

            started = time.perf_counter()
            await asyncio.gather(*(read(path) for path in paths))
            return time.perf_counter() - started

    return {"threads_s": round(threads, 2), "asyncio_s": round(asyncio.run(read_all()), 2)}


def measure_threads_or_asyncio(delay_ms: int = 30, requests: int = 800) -> dict[str, Any]:
    """Threads or asyncio for overlapping the waits: ``requests`` reads of the sandbox's health route
    through the delaying proxy, the default concurrency at a time, each way."""
    with _sandbox() as (base, _, _), DelayingProxy(int(base.rpartition(":")[2]), delay_ms / 1000) as proxy:
        figures = _threads_or_asyncio_once(
            f"http://127.0.0.1:{proxy.port}", ["/healthz"] * requests, DEFAULT_CONCURRENCY
        )
    floor = requests / DEFAULT_CONCURRENCY * delay_ms / 1000
    print(
        f"  {requests} reads at +{delay_ms} ms, {DEFAULT_CONCURRENCY} at a time: threads "
        f"{figures['threads_s']} s, asyncio {figures['asyncio_s']} s (the waits alone: {floor:.1f} s)"
    )
    return {"delay_ms": delay_ms, "requests": requests, "concurrency": DEFAULT_CONCURRENCY, **figures}


def plot(rows: list[dict[str, Any]], slow: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r['profile']}\n{r['workers']}w" for r in rows] + [
        f"slow +30ms\n{s['workers']}w" for s in slow[:2]
    ]
    values = [r["wall_s"] for r in rows] + [s["wall_s"] for s in slow[:2]]
    figure, axes = plt.subplots(figsize=(9, 4.5))
    bars = axes.bar(labels, values, color=["#2b6cb0" if "1w" in label else "#38a169" for label in labels])
    axes.bar_label(bars, fmt="%.1f s")
    axes.set_ylabel("wall time (s)")
    axes.set_title("taskconform run against the sandbox, by profile and workers")
    figure.tight_layout()
    figure.savefig(path, dpi=120)


_PROFILE_GROUPS = (
    ("taskconform", ("/taskconform/",)),
    ("httpx/httpcore/h11", ("/httpx/", "/httpcore/", "/h11/")),
    ("hypothesis", ("/hypothesis/",)),
    ("schemathesis", ("/schemathesis/",)),
    ("pytest/pluggy", ("/_pytest/", "/pluggy/", "/pytest/")),
)
# Built-ins that block on I/O: time in them is the target's (or the request drawer's), not ours.
_WAITING = {"recv", "recv_into", "send", "sendall", "read", "select", "poll", "sleep", "acquire", "connect"}


def _group(frame: Any, parent_group: str) -> str:
    path = frame.file_path or ""
    if path.startswith("<"):  # a built-in: the caller's, unless it only waits
        return "blocked on I/O" if frame.function.rpartition(".")[2] in _WAITING else parent_group
    return next((name for name, marks in _PROFILE_GROUPS if any(m in path for m in marks)), "other")


def profile_quick() -> dict[str, Any]:
    """The quick suite in this process under pyinstrument: where its wall time goes, by package.

    Each sampled instant counts for the innermost frame's package, so a test waiting on the target
    counts as waiting, not as the test's own work.
    """
    import pytest
    from pyinstrument import Profiler

    import taskconform.suite

    suite = Path(taskconform.suite.__file__).parent
    with _sandbox() as (_, config, env), tempfile.TemporaryDirectory() as folder:
        os.environ.update(env)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        with contextlib.redirect_stdout(io.StringIO()):
            pytest.main(
                [
                    str(suite),
                    "-c",
                    str(suite / "pytest.ini"),
                    "-p",
                    "no:cacheprovider",
                    "-q",
                    "--target-config",
                    str(config),
                    "--conformance-report-dir",
                    folder,
                ]
            )
        session = profiler.stop()
    (OUT / "quick-profile.html").write_text(profiler.output_html())
    totals: dict[str, float] = {}
    stack = [(session.root_frame(), "other")]
    while stack:
        frame, parent_group = stack.pop()
        group = _group(frame, parent_group)
        stack.extend((child, group) for child in frame.children if not child.is_synthetic)
        totals[group] = totals.get(group, 0.0) + frame.total_self_time
    share = {k: round(v, 3) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}
    print("  " + ", ".join(f"{k} {v:.2f} s" for k, v in share.items()))
    return {"wall_s": round(session.duration, 2), "self_time_s_by_package": share}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", default="quick,standard,thorough")
    parser.add_argument(
        "--skip", default="", help="parts to skip, comma-separated: profiles,floor,schemathesis,slow,latency"
    )
    parser.add_argument(
        "--latency-profiles", default="quick", help="profiles of the latency rows (thorough: one vendor)"
    )
    parser.add_argument("--latency-sample-vendor", default="smartlead", help="the vendor thorough runs on")
    parser.add_argument(
        "--latency-thorough",
        action="store_true",
        help="also the whole thorough profile at +30 ms and the default concurrency (several minutes)",
    )
    parser.add_argument(
        "--profile-run", action="store_true", help="also profile the quick suite (pyinstrument)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of the floor and of the slow variation (medians count)"
    )
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--record", default="", help=argparse.SUPPRESS)
    parser.add_argument("--fault", action="append", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--variation", action="append", default=[], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.record, args.fault, args.variation)
        return 0
    skip = set(filter(None, args.skip.split(",")))
    OUT.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    print("1. taskconform run, by profile and workers")
    results["profiles"] = [] if "profiles" in skip else measure_profiles(args.profiles.split(","))
    print("2. plain schemathesis beside ours")
    results["schemathesis"] = {} if "schemathesis" in skip else measure_schemathesis()
    results["taskconform_selftest"] = {} if "schemathesis" in skip else measure_ours_kill_rate()
    print("3. the raw httpx floor")
    results["floor"] = {} if "floor" in skip else measure_floor(args.repeat)
    if args.profile_run:
        print("3b. where the quick suite's time goes (pyinstrument; reports/bench/quick-profile.html)")
        results["quick_profile"] = profile_quick()
    print("4. the slow variation")
    results["slow"] = [] if "slow" in skip else measure_slow(args.repeat)
    print("5. latency (a delaying proxy in front of the sandbox)")
    results["threads_or_asyncio"] = {} if "latency" in skip else measure_threads_or_asyncio()
    results["latency"] = (
        []
        if "latency" in skip
        else measure_latency(args.latency_profiles.split(","), args.latency_sample_vendor)
    )
    if args.latency_thorough:
        results["thorough_latency"] = measure_thorough_at(30)
    (OUT / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    if results["profiles"] or results["slow"]:
        plot(results["profiles"], results["slow"], OUT / "latest.png")
    quick = [r["wall_s"] for r in results["profiles"] if r["profile"] == "quick"]
    if quick:
        print(f"quick verdict: {min(quick):.1f} s (median of workers {statistics.median(quick):.1f} s)")
    print(f"wrote {OUT / 'latest.json'} and {OUT / 'latest.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
