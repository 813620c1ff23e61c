"""Mapping files: JSON paths with any key, safe format strings, the form hash on every path.

Issue 13 (paths with non-ASCII and quoted keys; hash checked in CLI and library)
and issue 14 #9 (``{0:>400000000}`` took 29 s and 458 MB; ``{0.__class__}`` was
accepted): a format or fallback outside the whitelist is refused when the
mapping is loaded, before anything is formatted.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xzufi_toolkit.errors import ConfigError, FormError
from xzufi_toolkit.form.fill import FormFiller
from xzufi_toolkit.form.mapping import (
    ALL,
    MAX_WIDTH,
    apply_mapping,
    format_path,
    load_mapping,
    parse_path,
    resolve_path,
)
from xzufi_toolkit.io.resources import form_file
from xzufi_toolkit.pipeline import FormSetup

ROOT = Path(__file__).resolve().parent.parent
FOREIGN = ROOT / "fixtures" / "forms" / "foreign" / "hundesteuer-anmeldung.pdf"
SHA = "0" * 64


def _mapping(fields: dict[str, Any], sha: str = SHA) -> bytes:
    doc = {"mapping_version": 1, "form": "f.pdf", "form_sha256": sha, "fields": fields}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize(
    ("path", "steps"),
    [
        ("$", ()),
        ("$.a.b[0]", ("a", "b", 0)),
        ("$.a[*].c", ("a", ALL, "c")),
        ("$.halter.straße", ("halter", "straße")),
        ("$.Ὀδυσσεύς.имя", ("Ὀδυσσεύς", "имя")),
        ("$['Name, Vorname']", ("Name, Vorname",)),
        ('$["it\'s"].x', ("it's", "x")),
        ("$['it\\'s']", ("it's",)),
        ("$['a.b']['c[0]']", ("a.b", "c[0]")),
        ("$['']", ("",)),
        ("$.foo-bar", ("foo-bar",)),
    ],
)
def test_supported_paths(path: str, steps: tuple[Any, ...]) -> None:
    assert parse_path(path) == steps


@pytest.mark.parametrize(
    "path",
    ["", "a.b", "$.", "$..a", "$.a b", "$[", "$['a]", "$[-1]", "$[?(@.a)]", "$.a[1:2]", "$ .a"],
)
def test_unsupported_paths_are_refused_at_load(path: str) -> None:
    assert parse_path(path) is None
    # the schema already wants a leading $; the parser refuses the rest
    with pytest.raises(ConfigError, match=r"not a supported JSON path|at \$\.fields\.f\.path"):
        load_mapping(_mapping({"f": {"path": path}}))


def test_values_come_from_any_key_and_findings_name_it_as_written() -> None:
    doc = {"halter": {"straße": "Hauptstraße 1", "Name, Vorname": "Łukasz"}, "l": [{"a b": 1}]}
    assert list(resolve_path(doc, "$.halter.straße")) == [("$.halter.straße", "Hauptstraße 1")]
    assert list(resolve_path(doc, "$.halter['Name, Vorname']")) == [
        ("$.halter['Name, Vorname']", "Łukasz")
    ]
    assert list(resolve_path(doc, "$.l[*]['a b']")) == [("$.l[0]['a b']", 1)]
    mapping = load_mapping(
        _mapping(
            {
                "Text1": {"path": "$.halter['Name, Vorname']"},
                "Text2": {"path": "$.halter.straße", "format": "{:<3}"},
            }
        )
    )
    values, sources, problems = apply_mapping(mapping, doc)
    assert values == {"Text1": "Łukasz", "Text2": "Hauptstraße 1"} and problems == []
    assert sources["Text1"] == "$.halter['Name, Vorname']"


_KEYS = st.text(max_size=6) | st.integers(min_value=0, max_value=999)


@given(steps=st.lists(_KEYS, max_size=5))
def test_a_concrete_path_parses_back_to_its_steps(steps: list[str | int]) -> None:
    assert parse_path(format_path(steps)) == tuple(steps)


@given(
    doc=st.recursive(
        st.integers() | st.text(max_size=3),
        lambda kids: (
            st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=3), kids, max_size=3)
        ),
        max_leaves=8,
    )
)
def test_every_match_is_found_again_by_its_concrete_path(doc: Any) -> None:
    for where, value in resolve_path(doc, "$[*][*]"):
        assert list(resolve_path(doc, where)) == [(where, value)]


@pytest.mark.parametrize(
    ("key", "template", "says"),
    [
        ("format", "{0.__class__}", "attribute access or indexing"),
        ("format", "{0.__class__.__mro__}", "attribute access or indexing"),
        ("format", "{0[0]}", "attribute access or indexing"),
        ("format", "{0:>400000000}", f"width over {MAX_WIDTH}"),
        ("format", "{:>201}", f"width over {MAX_WIDTH}"),
        ("format", "{:.3}", "other than fill, alignment and width"),
        ("format", "{:{}}", "other than fill, alignment and width"),
        ("format", "{!r}", "conversion"),
        ("format", "{}{}", "exactly one"),
        ("format", "no field", "exactly one"),
        ("format", "{", "unbalanced"),
        ("format", "{x}", "unknown replacement field"),
        ("fallback", "{code.__class__.__mro__}", "attribute access or indexing"),
        ("fallback", "{code:>400000000}", f"width over {MAX_WIDTH}"),
        ("fallback", "{0}", "unknown replacement field"),
        ("fallback", "unbekannt", "has no {code}"),
    ],
)
def test_unsafe_format_strings_are_refused_when_loaded(key: str, template: str, says: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ConfigError, match=says) as exc:
        load_mapping(_mapping({"f": {"path": "$.a", "table": {"x": "y"}, key: template}}))
    assert time.perf_counter() - start < 1.0  # never formatted: no 400 MB string
    assert "field 'f'" in str(exc.value)


@pytest.mark.parametrize("template", ["{}", "{0}", "Az. {}", "{:>10}", "{:_^20s}", "{{{}}}"])
def test_safe_format_strings_load_and_apply(template: str) -> None:
    mapping = load_mapping(_mapping({"f": {"path": "$.a", "format": template}}))
    values, _, _ = apply_mapping(mapping, {"a": "x"})
    assert values["f"] == template.format("x")


def test_the_bundled_mapping_passes_the_whitelist() -> None:
    load_mapping(form_file("aufenthalt-25-4-2.mapping.json").read_bytes())


def test_a_setup_checks_the_form_hash_however_it_is_built() -> None:
    """The library path: FormSetup(filler, mapping) refuses a mapping for another form."""
    filler = FormFiller(FOREIGN.read_bytes(), file=str(FOREIGN))
    wrong = load_mapping(_mapping({"Text1": {"path": "$.a"}}), file="m.json")
    with pytest.raises(FormError, match="SHA-256"):
        FormSetup(filler=filler, mapping=wrong)
    right = load_mapping(_mapping({"Text1": {"path": "$.a"}}, filler.info.sha256))
    assert FormSetup(filler=filler, mapping=right).own_form is False
    missing = load_mapping(_mapping({"Nope": {"path": "$.a"}}, filler.info.sha256))
    with pytest.raises(FormError, match="no field 'Nope'"):
        FormSetup(filler=filler, mapping=missing)


@pytest.mark.parametrize("template", ["{0:>400000000}", "{0.__class__.__mro__}"])
def test_the_cli_refuses_such_a_mapping_with_one_line(
    template: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 #9 from the command line: exit 2, one error line, no output, no wait."""
    from xzufi_toolkit.cli.main import main
    from xzufi_toolkit.io.resources import fixture_file

    doc = json.loads(form_file("aufenthalt-25-4-2.mapping.json").read_text(encoding="utf-8"))
    rule = next(r for r in doc["fields"].values() if r.get("path") and "transform" not in r)
    rule["format"] = template
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    case = sorted(fixture_file("cases").glob("*.json"))[0]
    out = tmp_path / "o.pdf"
    start = time.perf_counter()
    code = main(["form", "fill", str(case), "--mapping", str(mapping), "-o", str(out)])
    err = capsys.readouterr().err
    assert time.perf_counter() - start < 5.0
    lines = [line for line in err.splitlines() if line.startswith("xzufi: error:")]
    assert code == 2 and len(lines) == 1 and str(mapping) in lines[0], err
    assert not out.exists()
