"""Rules whose free text has a fixed form, read as conditions.

FIM editors write conditional fields in set phrases; two are read here:

- ``"F… X" (und "F… Y") ist/sind nur dann zu befüllen, wenn "F… Z" bejaht
  wurde.`` – the named fields may be filled only when the yes/no field Z is
  true (as in S00000121, Antrag Blaue Karte EU);
- ``"F… X" … ist/sind anzugeben, wenn "F… Z" bejaht wurde.`` – the named
  fields are required when Z is true.

Any other text stays prose for a human. A rule's ``script`` is never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xzufi_toolkit.xdf.model import Regel

__all__ = ["RuleCondition", "parse_rule"]

_MAX_TEXT = 20_000
_QUOTED_ID = re.compile(r"\"\s*([FG]\d{5,11})")
# The fixed free-text forms FIM editors use for conditional fields.
_ONLY_IF = re.compile(
    r"^(?P<targets>.+?)\s+(?:ist|sind)\s+nur\s+dann\s+zu\s+befüllen,?\s*wenn\s+"
    r"\"\s*(?P<cond>[FG]\d{5,11})[^\"]*\"\s+bejaht\s+wurde\.?\s*$",
    re.S,
)
_REQUIRED_IF = re.compile(
    r"^(?P<targets>.+?)\s+(?:ist|sind)\s+anzugeben,?\s*wenn\s+"
    r"\"\s*(?P<cond>[FG]\d{5,11})[^\"]*\"\s+bejaht\s+wurde\.?\s*$",
    re.S,
)


@dataclass(frozen=True, slots=True)
class RuleCondition:
    """A free-text rule read in one of its fixed forms.

    ``only_if``: the targets may be filled only when ``condition`` is true;
    otherwise the targets are required when ``condition`` is true.
    """

    targets: tuple[str, ...]
    condition: str
    only_if: bool


def parse_rule(rule: Regel) -> RuleCondition | None:
    """The condition a rule's free text states, ``None`` if it has no fixed form."""
    text = " ".join(rule.text.split())  # one space between words: no backtracking blow-up
    if len(text) > _MAX_TEXT:
        return None
    for pattern, only_if in ((_ONLY_IF, True), (_REQUIRED_IF, False)):
        m = pattern.match(text)
        if m:
            targets = tuple(_QUOTED_ID.findall(m.group("targets")))
            if targets:
                return RuleCondition(targets, m.group("cond"), only_if)
    return None
