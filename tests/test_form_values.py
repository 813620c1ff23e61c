"""Values are checked against the template before filling: data-driven cases."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xzufi_toolkit.errors import ValidationFailedError
from xzufi_toolkit.form import FormFiller
from xzufi_toolkit.form.values import date_pattern
from xzufi_toolkit.io.resources import form_file

ROOT = Path(__file__).resolve().parent.parent
CASES: list[dict[str, Any]] = json.loads(
    (ROOT / "fixtures" / "forms" / "values" / "cases.json").read_text(encoding="utf-8")
)["cases"]


@pytest.fixture(scope="module")
def filler() -> FormFiller:
    return FormFiller(form_file("aufenthalt-25-4-2.pdf").read_bytes())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_value_findings(filler: FormFiller, case: dict[str, Any]) -> None:
    findings = filler.check(case["values"], file="case.json", annex=case.get("annex", True))
    assert [f.code for f in findings] == case["expect"]
    for f in findings:
        assert f.location.file == "case.json"
        for value in case["values"].values():  # no values in messages by default
            if isinstance(value, str) and len(value) > 3:
                assert value not in f.message


REFUSED = [c for c in CASES if set(c["expect"]) - {"FORM-TEXT-ANNEX"}]


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c["id"])
def test_fill_refuses_what_check_rejects(filler: FormFiller, case: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailedError) as exc:
        filler.fill(case["values"], annex=case.get("annex", True))
    assert "nothing was written" in str(exc.value)


def test_show_values_puts_the_value_in_the_message(filler: FormFiller) -> None:
    (finding,) = filler.check({"familienstand": "verlobt"}, show_values=True)
    assert "verlobt" in finding.message


def test_json_path_of_the_source(filler: FormFiller) -> None:
    (finding,) = filler.check(
        {"postleitzahl": "1234567"}, sources={"postleitzahl": "$.antragsteller.anschrift.plz"}
    )
    assert finding.location.json_path == "$.antragsteller.anschrift.plz"


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("dd.mm.yyyy", "01.12.2026", "1.12.2026"),
        ("d.m.yy", "1.2.26", "01-02-26"),
        ("yyyy-mm-dd", "2026-12-01", "2026-13-01"),
    ],
)
def test_date_pattern(fmt: str, good: str, bad: str) -> None:
    import datetime as dt

    compiled = date_pattern(fmt)
    assert compiled is not None
    regex, strp = compiled
    assert regex.match(good)
    dt.datetime.strptime(good, strp)
    if regex.match(bad):
        with pytest.raises(ValueError):
            dt.datetime.strptime(bad, strp)


def test_date_pattern_with_month_names_is_not_checked() -> None:
    assert date_pattern("dd mmm yyyy") is None


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3)
    ),
    max_leaves=12,
)
_BASE_MAPPING = json.loads(form_file("aufenthalt-25-4-2.mapping.json").read_text(encoding="utf-8"))


@settings(max_examples=60, deadline=None)
@given(doc=_JSON, key=st.sampled_from(["path", "transform", "table", "format", "fallback", "join"]))
def test_hostile_mappings_raise_config_errors(doc: Any, key: str) -> None:
    from xzufi_toolkit.errors import ConfigError
    from xzufi_toolkit.form.mapping import load_mapping

    for candidate in (
        doc,
        {**_BASE_MAPPING, "fields": {"familienname": {"path": "$.a", key: doc}}},
    ):
        with contextlib.suppress(ConfigError):
            load_mapping(json.dumps(candidate).encode())


@settings(max_examples=60, deadline=None)
@given(case=_JSON)
def test_any_json_maps_without_crashing(case: Any) -> None:
    from xzufi_toolkit.form.mapping import apply_mapping, load_mapping

    mapping = load_mapping(json.dumps(_BASE_MAPPING).encode())
    values, sources, _ = apply_mapping(mapping, {"antragsteller": case, "unterlagen": case})
    assert set(sources) >= set(values)
