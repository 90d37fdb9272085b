"""CPython 3.11 converts between its syntax trees and Python's ``ast`` objects with one recursion counter
for all threads (gh-106905: "AST constructor recursion depth mismatch"), and tests in lanes do that at
once: Hypothesis reads the source of each exploration's rules as it starts and pretty-prints its
steps, pytest reads a test's source to show a failure. Every such conversion goes through ``compile``
(``ast.parse``, ``ast.literal_eval``, a tree compiled): those calls take turns.

No ``from __future__`` import here: ``compile`` lends the future statements of the code that calls it
to what it compiles, and that code is now ``compile_alone``'s.
"""

import ast
import builtins
import functools
import threading
from typing import Any

__all__ = ["convert_one_at_a_time"]

_CONVERTING = threading.RLock()


@functools.cache
def convert_one_at_a_time() -> None:
    compile_ = builtins.compile

    @functools.wraps(compile_)
    def compile_alone(source: Any, *args: Any, **kwargs: Any) -> Any:
        flags = kwargs.get("flags", args[2] if len(args) > 2 else 0)
        if not isinstance(source, ast.AST) and not flags & ast.PyCF_ONLY_AST:
            return compile_(source, *args, **kwargs)
        with _CONVERTING:
            return compile_(source, *args, **kwargs)

    builtins.compile = compile_alone
