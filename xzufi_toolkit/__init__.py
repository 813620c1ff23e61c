"""xzufi-toolkit: XZuFi Leistungsbeschreibungen, XÖV-like applications and PDF forms.

The data flows one way: read (XML, portal export, case JSON) → model →
validate (schema + rules) → map (message, form) → write/report.
"""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["__version__"]
