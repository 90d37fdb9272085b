"""The HTML pages (run report, run-to-run diff, selftest): Jinja2 templates sharing one layout.

What the pages show comes from the API under test (bodies, headers, error messages) and is
untrusted: it must never become markup. Autoescaping makes that the engine's default instead of
every caller's duty, and undefined names fail loudly instead of rendering as blanks. The pages are
handed on as evidence and opened offline, years later: the layout inlines its CSS, loads nothing
and runs no script.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .. import __version__

__all__ = ["render_page"]

_PAGES = Environment(
    loader=PackageLoader("taskconform.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_PAGES.globals["suite_version"] = __version__


def render_page(template: str, **context: Any) -> str:
    """A complete, standalone HTML5 document from ``templates/<template>``."""
    return _PAGES.get_template(template).render(**context)
