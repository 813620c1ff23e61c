"""Rule help for SARIF and the GitHub step summary: each code's meaning and
where ``docs/rules.md`` documents it.

``docs/rules.md`` has one section per topic (``## LeiKa key``) and no anchor
per code, so a code links to its topic's section, with the anchor GitHub gives
a heading. SARIF's ``helpUri`` must be an absolute URI: it is set only when a
base URL is known, from ``rules-url`` in the configuration or else from the
package's project URLs (a ``Rules`` URL, or the GitHub/GitLab repository's
``docs/rules.md`` on ``main``). Without one, ``help.markdown`` names the
relative anchor ``docs/rules.md#…`` and ``helpUri`` is left out.
"""

from __future__ import annotations

import re
from dataclasses import replace

from xzufi_toolkit.reporters import RuleMeta

__all__ = ["RULES_DOC", "default_rules_url", "heading_anchor", "rule_help"]

RULES_DOC = "docs/rules.md"
_NOT_IN_ANCHOR = re.compile(r"[^\w\- ]")


def heading_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading (lower case, punctuation
    dropped, spaces as hyphens)."""
    return _NOT_IN_ANCHOR.sub("", heading.strip().lower()).replace(" ", "-")


def default_rules_url() -> str | None:
    """``docs/rules.md`` of the installed package's project URLs, if it names one."""
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        entries = metadata("xzufi-toolkit").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    urls: dict[str, str] = {}
    for entry in entries:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip().rstrip("/")
    if urls.get("rules", "").startswith("https://"):
        return urls["rules"]
    for label in ("repository", "source", "source code", "homepage"):
        url = urls.get(label, "")
        if url.startswith("https://github.com/"):
            return f"{url}/blob/main/{RULES_DOC}"
        if url.startswith("https://gitlab.com/"):
            return f"{url}/-/blob/main/{RULES_DOC}"
    return None


def rule_help(rules_url: str | None = None) -> dict[str, RuleMeta]:
    """Every registered code's metadata with its meaning, its ``docs/rules.md``
    anchor, and ``help_uri`` when ``rules_url`` (absolute) is given."""
    from xzufi_toolkit.validate import rules  # noqa: F401  # importing fills the registry
    from xzufi_toolkit.validate.registry import _TOPICS, RULES

    out: dict[str, RuleMeta] = {}
    for code, r in RULES.items():
        topic = _TOPICS.get(code.split("-")[1], "")
        fragment = heading_anchor(topic) if topic else ""
        out[code] = replace(
            r.meta(),
            doc=r.doc,
            anchor=f"{RULES_DOC}#{fragment}" if fragment else RULES_DOC,
            help_uri=f"{rules_url}#{fragment}" if rules_url and fragment else rules_url or "",
        )
    return out
