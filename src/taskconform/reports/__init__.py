"""Renderers that turn a run's report.json into human-facing artefacts."""
