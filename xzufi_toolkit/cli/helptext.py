"""Examples (epilogs) and fallback descriptions of every command's ``--help``.

Kept in one table, keyed by the parser's ``prog``, so that a test can check
that no command lacks them. :class:`~xzufi_toolkit.cli.common.Parser` picks
them up; a description given where the command is registered wins. The files
named are the ones ``xzufi demo`` writes into ``./xzufi-demo/``.
"""

from __future__ import annotations

__all__ = ["DESCRIPTIONS", "EXAMPLES"]

DESCRIPTIONS: dict[str, str] = {
    "xzufi form": "Fill, inspect and preview PDF application forms; generate one from an "
    "XDatenfelder schema.",
    "xzufi form fill": "Check case JSON (against the Leistung) and fill the PDF form; text that "
    "does not fit its box continues on annex pages.",
    "xzufi form inspect": "List the fields of any AcroForm PDF, or write a mapping skeleton to "
    "fill another authority's form.",
    "xzufi form preview": "Render one page of a PDF to PNG, with pdfium or poppler.",
    "xzufi catalog apply": "Apply XZuFi transfer messages to the catalog store in order, one "
    "transaction per message.",
    "xzufi catalog sync": "Follow a paged Bereitstelldienst source (a URL) into the catalog store.",
    "xzufi catalog responsible": "Name the Zuständigkeit for a Leistung (id or LeiKa key) in a "
    "region (ARS).",
    "xzufi catalog stats": "Objects per kind, deletions and sync positions of the catalog store.",
    "xzufi catalog export": "Write one stored object as an XZuFi document.",
}

_D = "xzufi-demo"  # the folder `xzufi demo` writes
_LEISTUNG = "catalog/99010022001012.xml"

EXAMPLES: dict[str, str] = {
    "xzufi": "examples:\n"
    "  xzufi demo                      # the whole path on bundled data, into ./xzufi-demo/\n"
    "  xzufi validate catalog/         # XSD and business rules\n"
    "  xzufi COMMAND --help            # options and examples of one command\n"
    "\nexit codes: 0 ok; 1 findings at or above --fail-on, or a missing, unreadable\n"
    "or damaged input; 2 usage or configuration error (README: Exit codes).",
    "xzufi show": f"examples:\n  xzufi show {_LEISTUNG}\n  xzufi show {_LEISTUNG} --format json",
    "xzufi convert": "examples:\n"
    f"  xzufi convert {_LEISTUNG} --to 2.2.0 -o leistung-2.2.0.xml  # losses: stderr",
    "xzufi validate": "examples:\n"
    "  xzufi validate catalog/ 'exports/*.xml'      # folders, files, globs, - for stdin\n"
    "  xzufi validate catalog/ -f sarif -o xzufi.sarif\n"
    "  xzufi validate --list-rules",
    "xzufi form": "examples:\n"
    f"  xzufi form fill {_D}/case.json -o antrag.pdf\n"
    f"  xzufi form inspect {_D}/antrag.pdf",
    "xzufi form fill": "examples:\n"
    f"  xzufi form fill {_D}/case.json -o antrag.pdf --flatten\n"
    "  xzufi form fill data.json --form other.pdf --mapping mapping.json -o out.pdf",
    "xzufi form inspect": "examples:\n"
    f"  xzufi form inspect {_D}/antrag.pdf\n"
    "  xzufi form inspect other-authority.pdf --skeleton > mapping.json",
    "xzufi form preview": "examples:\n"
    f"  xzufi form preview {_D}/antrag.pdf -o seite1.png --dpi 150",
    "xzufi form generate": "examples:\n"
    "  xzufi form generate schema.xml -o antrag.pdf --codelist staaten.xml",
    "xzufi import-portal": "examples:\n"
    "  xzufi import-portal export.pdf -o leistung.xml --version 2.3.1\n"
    "  xzufi validate leistung.xml        # then judge the imported document itself",
    "xzufi render": f"examples:\n  xzufi render {_LEISTUNG} -o leistung.html --lang de",
    "xzufi case": f"examples:\n  xzufi case check {_D}/case.json",
    "xzufi case check": "examples:\n"
    f"  xzufi case check {_D}/case.json\n"
    f"  xzufi case check {_D}/case.json --no-leistung -f json",
    "xzufi message": "examples:\n"
    f"  xzufi message build {_D}/case.json -o antrag.xml\n"
    "  xzufi message read antrag.xml -o case.json",
    "xzufi message build": f"examples:\n  xzufi message build {_D}/case.json -o antrag.xml",
    "xzufi message read": f"examples:\n  xzufi message read {_D}/nachricht.xml -o case.json",
    "xzufi bundle": "examples:\n"
    f"  cd {_D} && xzufi bundle case.json --attach evidence/* -o bundle.zip\n"
    f"  xzufi bundle verify {_D}/bundle.zip\n"
    "\nattachments are matched to the case by file name: each must be named as a\n"
    "'dateiname' in the case's unterlagen (and match its sha512 where the case gives one).",
    "xzufi bundle verify": f"examples:\n  xzufi bundle verify {_D}/bundle.zip -f json",
    "xzufi demo": "examples:\n  xzufi demo\n  xzufi demo -o /tmp/demo",
    "xzufi catalog": "examples:\n"
    "  xzufi catalog apply pvog-stream.xml\n"
    "  xzufi catalog responsible 99010022001012 --region 065310001001",
    "xzufi catalog apply": "examples:\n"
    "  xzufi catalog apply pvog-stream.xml                 # into ./xzufi-catalog.sqlite\n"
    "  xzufi catalog apply a.xml b.xml --db postgresql://host/catalog",
    "xzufi catalog sync": "examples:\n"
    "  xzufi catalog sync https://example.org/bereitstelldienst --token-env PVOG_TOKEN",
    "xzufi catalog responsible": "examples:\n"
    "  xzufi catalog responsible 99010022001012 --region 065310001001 --format json",
    "xzufi catalog stats": "examples:\n  xzufi catalog stats --db xzufi-catalog.sqlite",
    "xzufi catalog export": "examples:\n"
    "  xzufi catalog export 99010022001012 -o leistung.xml --as-transfer",
    "xzufi xdf": "examples:\n  xzufi xdf check schema.xml\n"
    "  xzufi xdf jsonschema schema.xml -o schema.json",
    "xzufi xdf check": "examples:\n  xzufi xdf check schema.xml -f json",
    "xzufi xdf jsonschema": "examples:\n"
    "  xzufi xdf jsonschema schema.xml -o schema.json --codelist staaten.xml",
    "xzufi xdf xsd": "examples:\n  xzufi xdf xsd schema.xml -o antrag.xsd",
    "xzufi data": "examples:\n  xzufi data check data.json --schema schema.xml\n"
    "  xzufi data build data.json --schema schema.xml -o antrag.xml",
    "xzufi data check": "examples:\n  xzufi data check a.json b.json --schema schema.xml",
    "xzufi data build": "examples:\n"
    "  xzufi data build data.json --schema schema.xml -o antrag.xml --test",
    "xzufi data read": "examples:\n  xzufi data read antrag.xml --schema schema.xml -o data.json",
}
