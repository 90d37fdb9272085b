"""Superfone-specific checks: the rules over tasks that no spec schema can express."""
