"""Run profiles: how much each kind of check explores. ``quick`` is the pre-merge gate."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import Phase, settings

__all__ = ["PROFILES", "Profile"]


@dataclass(frozen=True)
class Profile:
    name: str
    fuzz_examples: int
    stateful_examples: int
    stateful_steps: int
    page_sizes: tuple[int, ...]
    race_rounds: int
    # How long shrinking one failure may take: every candidate it tries replays a sequence of requests
    # against the target, so Hypothesis' own limit (five minutes) is far too long for a remote one.
    shrink_seconds: float
    # Shrinking finds the shortest failing example; selftest only needs to know a fault is caught.
    shrink: bool = True
    # Independent explorations the stateful budget is split into, each on leads of its own where the
    # configuration names enough: workers split them, and one worker runs them at once. The longer
    # one runs, the more tasks its leads hold and the longer its walks of every page.
    model_parts: int = 2

    def limit_shrinking(self) -> None:
        """Hypothesis documents the limit as the module constant to patch for another budget."""
        from hypothesis.internal.conjecture import engine

        engine.MAX_SHRINKING_SECONDS = self.shrink_seconds  # type: ignore[assignment]

    def hypothesis(self, **overrides: object) -> settings:
        """Deterministic in CI and everywhere: derandomised, no example database, no deadline (the target
        is remote), and no "explain" phase, whose tracing multiplies the cost of every failing example.
        No health check is suppressed: none fires at any profile, against the sandbox or its faults."""
        return settings(
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if self.shrink else [])],
            **overrides,  # type: ignore[arg-type]
        )


PROFILES: dict[str, Profile] = {
    "quick": Profile(
        "quick",
        fuzz_examples=15,
        stateful_examples=8,
        stateful_steps=12,
        page_sizes=(1, 2, 3, 7, 20),
        race_rounds=1,
        shrink_seconds=10,
    ),
    "standard": Profile(
        "standard",
        fuzz_examples=60,
        stateful_examples=30,
        stateful_steps=25,
        page_sizes=tuple(range(1, 21)),
        race_rounds=3,
        shrink_seconds=30,
    ),
    "thorough": Profile(
        "thorough",
        fuzz_examples=250,
        stateful_examples=100,
        stateful_steps=40,
        page_sizes=tuple(range(1, 21)),
        race_rounds=10,
        shrink_seconds=60,
        model_parts=4,
    ),
}
