"""The citizen page: ``render_page(leistung, lang=...)`` → self-contained HTML."""

from __future__ import annotations

from xzufi_toolkit.render.page import LANGUAGES, render_page, sanitize_html

__all__ = ["LANGUAGES", "render_page", "sanitize_html"]
