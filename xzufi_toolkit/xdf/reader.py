"""Read XDatenfelder 2 and 3.0.0 messages into the model of :mod:`.model`.

Input goes through :mod:`xzufi_toolkit.io.xmlsafe` (no DTD, no entities, size
and depth limits). On top of that, group nesting is limited to
:data:`MAX_GROUP_DEPTH` levels and a group that contains itself is refused:
both would make every consumer of the tree (JSON Schema, forms) recurse
without end. Anything that is not an XDatenfelder message of a known version
and type is one :class:`~xzufi_toolkit.errors.InputError` with the file and
line. Elements the reader does not know are kept as
:class:`~xzufi_toolkit.xdf.model.Extra`, so :mod:`.writer` gives them back.

XDatenfelder 3.0.0 is read from the structure the reference note describes
(no official v3 XSD or file is available here): same element names as v2
where the note says so, praezisierung as attributes, the v3 metadata names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from xzufi_toolkit.errors import (
    InputError,
    LimitExceededError,
    MalformedXmlError,
    UnsupportedVersionError,
)
from xzufi_toolkit.io import xmlsafe
from xzufi_toolkit.xdf.model import (
    NAMESPACES,
    Bezug,
    Code,
    CodelisteReferenz,
    Datenfeld,
    Datenfeldgruppe,
    Extra,
    Header,
    Identifikation,
    MessageType,
    Metadaten,
    Praezisierung,
    Regel,
    Relation,
    Stammdatenschema,
    Struktur,
    XdfDocument,
    XdfVersion,
)

__all__ = ["MAX_GROUP_DEPTH", "STREAM_BYTES", "read_xdf", "read_xdf_bytes"]

MAX_GROUP_DEPTH = 25
MAX_SCHEMA_BYTES = 32 * 1024 * 1024
# files above this are streamed: each Datenfeld becomes model as soon as it is
# parsed and its subtree is dropped (the lxml tree of a schema is ~10x its bytes)
STREAM_BYTES = 4 * 1024 * 1024
_LIMITS = xmlsafe.XmlLimits(max_bytes=MAX_SCHEMA_BYTES)
_NS_FAMILY = "urn:xoev-de:fim:standard:xdatenfelder"
_VERSION_BY_NS = {ns: v for v, ns in NAMESPACES.items()}

# metadata element -> Metadaten attribute, by kind of value
META_TEXT: dict[str, str] = {
    "name": "name",
    "bezeichnungEingabe": "bezeichnung_eingabe",
    "bezeichnungAusgabe": "bezeichnung_ausgabe",
    "beschreibung": "beschreibung",
    "definition": "definition",
    "statusGesetztAm": "status_gesetzt_am",
    "statusGesetztDurch": "status_gesetzt_durch",
    "gueltigAb": "gueltig_ab",
    "gueltigBis": "gueltig_bis",
    "fachlicherErsteller": "fachlicher_ersteller",
    "versionshinweis": "versionshinweis",
    "freigabedatum": "freigabedatum",
    "veroeffentlichungsdatum": "veroeffentlichungsdatum",
    "letzteAenderung": "letzte_aenderung",
    "hilfetextEingabe": "hilfetext_eingabe",
    "hilfetextAusgabe": "hilfetext_ausgabe",
    "bezeichnung": "bezeichnung",
    "hilfetext": "hilfetext",
}
META_CODE: dict[str, str] = {
    "status": "status",
    "freigabestatus": "freigabestatus",
    "schemaelementart": "schemaelementart",
}
# element-specific simple children: element name -> attribute
FIELD_TEXT = {
    "inhalt": "inhalt",
    "codeKey": "code_key",
    "nameKey": "name_key",
    "helpKey": "help_key",
    "maxSize": "max_size",
}
FIELD_CODE = {"feldart": "feldart", "datentyp": "datentyp", "vorbefuellung": "vorbefuellung"}
SCHEMA_CODE = {
    "ableitungsmodifikationenStruktur": "ableitungsmodifikationen_struktur",
    "ableitungsmodifikationenRepraesentation": "ableitungsmodifikationen_repraesentation",
}
RULE_TEXT = {"freitextRegel": "freitext_regel", "script": "script"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _plain_text(el: etree._Element) -> str | None:
    """The text of a simple element, ``None`` if it has attributes or children
    (then it is not the simple element we expect and is kept verbatim)."""
    if len(el) or el.attrib:
        return None
    return el.text or ""


def _code(el: etree._Element) -> Code | None:
    kids = list(el)
    if el.text and el.text.strip():
        return None
    if set(el.attrib) - {"listURI", "listVersionID"}:
        return None
    if len(kids) != 1 or not isinstance(kids[0].tag, str) or _local(kids[0]) != "code":
        return None
    value = _plain_text(kids[0])
    if value is None:
        return None
    return Code(value, el.get("listURI"), el.get("listVersionID"))


def _ident(el: etree._Element) -> Identifikation | None:
    parts: dict[str, str] = {}
    for kid in el:
        if not isinstance(kid.tag, str):
            continue
        name = _local(kid)
        text = _plain_text(kid)
        if name not in ("id", "version") or text is None or name in parts:
            return None
        parts[name] = text
    if "id" not in parts or el.attrib:
        return None
    return Identifikation(parts["id"], parts.get("version"))


def _bezug(el: etree._Element) -> Bezug | None:
    if len(el) or set(el.attrib) - {"link"}:
        return None
    return Bezug(el.text or "", el.get("link"))


def _relation(el: etree._Element) -> Relation | None:
    kids = [k for k in el if isinstance(k.tag, str)]
    if len(kids) != 2 or [_local(k) for k in kids] != ["praedikat", "objekt"]:
        return None
    praedikat, objekt = _code(kids[0]), _ident(kids[1])
    if praedikat is None or objekt is None:
        return None
    return Relation(praedikat, objekt)


_GENERICODE = {
    "canonicalIdentification": "canonical_identification",
    "version": "version",
    "canonicalVersionUri": "canonical_version_uri",
}


def _genericode(el: etree._Element) -> dict[str, str] | None:
    """The genericode identification children of ``el`` (each at most once)."""
    sub: dict[str, str] = {}
    for g in el:
        if not isinstance(g.tag, str):
            continue
        key = _GENERICODE.get(_local(g))
        text = _plain_text(g)
        if key is None or text is None or key in sub:
            return None
        sub[key] = text
    return sub if "canonical_identification" in sub else None


def _codeliste_v2(el: etree._Element) -> CodelisteReferenz | None:
    """v2: ``identifikation/id`` and ``genericodeIdentification/…``."""
    ref: dict[str, str | None] = {}
    for kid in el:
        if not isinstance(kid.tag, str):
            continue
        name = _local(kid)
        if name == "identifikation" and "id" not in ref:
            ident = _ident(kid)
            if ident is None or ident.version is not None:
                return None
            ref["id"] = ident.id
        elif name == "genericodeIdentification" and "canonical_identification" not in ref:
            sub = _genericode(kid)
            if sub is None:
                return None
            ref.update(sub)
        else:
            return None
    return CodelisteReferenz(**ref)


def _codeliste_v3(el: etree._Element) -> CodelisteReferenz | None:
    """v3: the genericode children directly."""
    sub = None if el.attrib else _genericode(el)
    return None if sub is None else CodelisteReferenz(**sub)


class _Pairs(list[tuple[str, Any]]):
    """A JSON object's members in order, duplicates kept (the checker reports them)."""


def _json_pairs(pairs: list[tuple[str, Any]]) -> _Pairs:
    return _Pairs(pairs)


def _praezisierung(el: etree._Element, version: XdfVersion) -> Praezisierung | None:
    if len(el):
        return None
    if version is XdfVersion.V3:
        if el.text and el.text.strip():
            return None
        return Praezisierung(items=tuple((str(k), str(v)) for k, v in el.attrib.items()))
    return None if el.attrib else _praezisierung_json(el.text or "")


def _praezisierung_json(text: str) -> Praezisierung:
    """v2: the element text is a JSON object; the text is kept verbatim either way."""
    if not text.strip():
        return Praezisierung(text=text)
    try:
        pairs = json.loads(text, object_pairs_hook=_json_pairs)
    except (ValueError, RecursionError):
        return Praezisierung(text=text, json_error="not valid JSON")
    if not isinstance(pairs, _Pairs):
        return Praezisierung(text=text, json_error="not a JSON object")
    items = tuple((k, v if isinstance(v, str) else json.dumps(v)) for k, v in pairs)
    return Praezisierung(items=items, text=text)


@dataclass(slots=True)
class _Children:
    """Known children collected by name, unknown ones kept with their position."""

    known: list[tuple[str, Any]] = field(default_factory=list)
    extras: list[Extra] = field(default_factory=list)

    def keep(self, el: etree._Element) -> None:
        self.extras.append(Extra(len(self.known), etree.tostring(el, with_tail=False)))

    def add(self, name: str, value: Any) -> None:
        self.known.append((name, value))

    def seen(self, name: str) -> bool:
        return any(n == name for n, _ in self.known)


class _Fallback(Exception):
    """A streamed placeholder would be kept verbatim: read the file whole instead."""


@dataclass(slots=True)
class _Reader:
    version: XdfVersion
    ns: str
    file: str | None
    # (id, version) of the groups enclosing the one being read: cycle check
    stack: list[tuple[str, str | None]] = field(default_factory=list)
    # streaming: fields already read, their elements emptied
    prebuilt: dict[etree._Element, Datenfeld] = field(default_factory=dict)

    def error(self, message: str, el: etree._Element, hint: str | None = None) -> InputError:
        return InputError(message, file=self.file, line=xmlsafe.source_line(el), hint=hint)

    def _ours(self, el: etree._Element) -> bool:
        return isinstance(el.tag, str) and etree.QName(el).namespace == self.ns

    def children(
        self, parent: etree._Element, handle: dict[str, Any], repeat: frozenset[str] = frozenset()
    ) -> _Children:
        """Dispatch each child element to ``handle[name]`` (``el -> value | None``).

        A child that is foreign, unknown, repeated where it may not be, or whose
        handler returns ``None`` (unexpected shape) is kept verbatim.
        """
        out = _Children()
        for kid in parent:
            if not isinstance(kid.tag, str):
                continue  # comments and processing instructions are not kept
            if not self._ours(kid):
                self._keep(out, kid)
                continue
            name = _local(kid)
            fn = handle.get(name)
            if fn is None or (name not in repeat and out.seen(name)):
                self._keep(out, kid)
                continue
            value = fn(kid)
            if value is None:
                self._keep(out, kid)
            else:
                out.add(name, value)
        return out

    def _keep(self, out: _Children, el: etree._Element) -> None:
        if self.prebuilt and any(e in self.prebuilt for e in el.iter()):
            raise _Fallback  # its verbatim copy needs the emptied field's content
        out.keep(el)

    # --- handlers -------------------------------------------------------------------
    def _meta_handlers(self) -> dict[str, Any]:
        handle: dict[str, Any] = dict.fromkeys(META_TEXT, _plain_text)
        handle.update(dict.fromkeys(META_CODE, _code))
        handle.update(
            identifikation=_ident,
            bezug=_bezug,
            relation=_relation,
            stichwort=lambda el: None if len(el) or el.attrib else (el.text or ""),
            regel=self.regel,
        )
        return handle

    def _meta(self, got: _Children) -> tuple[Identifikation | None, Metadaten, dict[str, Any]]:
        meta: dict[str, Any] = {"bezug": [], "stichwort": [], "relation": []}
        rest: dict[str, Any] = {"regel": [], "struktur": [], "mediaType": []}
        ident: Identifikation | None = None
        for name, value in got.known:
            if name == "identifikation":
                ident = value
            elif name in META_TEXT:
                meta[META_TEXT[name]] = value
            elif name in META_CODE:
                meta[META_CODE[name]] = value
            elif name in ("bezug", "stichwort", "relation"):
                meta[name].append(value)
            elif name in rest:
                rest[name].append(value)
            else:
                rest[name] = value
        for key in ("bezug", "stichwort", "relation"):
            meta[key] = tuple(meta[key])
        return ident, Metadaten(**meta), rest

    def _need_ident(self, ident: Identifikation | None, el: etree._Element) -> Identifikation:
        if ident is None:
            raise self.error(
                f"<{_local(el)}> has no identifikation/id",
                el,
                "every XDatenfelder element needs an identifikation with an id",
            )
        return ident

    def regel(self, el: etree._Element) -> Regel:
        handle = self._meta_handlers()
        del handle["regel"]
        handle.update(dict.fromkeys(RULE_TEXT, _plain_text), typ=_code)
        got = self.children(el, handle, frozenset({"bezug", "stichwort", "relation"}))
        ident, meta, rest = self._meta(got)
        return Regel(
            identifikation=self._need_ident(ident, el),
            meta=meta,
            freitext_regel=rest.get("freitextRegel"),
            script=rest.get("script"),
            typ=rest.get("typ"),
            extras=tuple(got.extras),
            line=xmlsafe.source_line(el),
        )

    def feld(self, el: etree._Element) -> Datenfeld:
        built = self.prebuilt.get(el)
        if built is not None:
            return built
        handle = self._meta_handlers()
        handle.update(dict.fromkeys(FIELD_TEXT, _plain_text))
        handle.update(dict.fromkeys(FIELD_CODE, _code))
        handle.update(
            praezisierung=lambda e: _praezisierung(e, self.version),
            codelisteReferenz=_codeliste_v3 if self.version is XdfVersion.V3 else _codeliste_v2,
            mediaType=_plain_text,
        )
        got = self.children(
            el, handle, frozenset({"bezug", "stichwort", "relation", "regel", "mediaType"})
        )
        ident, meta, rest = self._meta(got)
        return Datenfeld(
            identifikation=self._need_ident(ident, el),
            meta=meta,
            feldart=rest.get("feldart"),
            datentyp=rest.get("datentyp"),
            praezisierung=rest.get("praezisierung"),
            inhalt=rest.get("inhalt"),
            codeliste_referenz=rest.get("codelisteReferenz"),
            vorbefuellung=rest.get("vorbefuellung"),
            code_key=rest.get("codeKey"),
            name_key=rest.get("nameKey"),
            help_key=rest.get("helpKey"),
            max_size=rest.get("maxSize"),
            media_type=tuple(rest["mediaType"]),
            regeln=tuple(rest["regel"]),
            extras=tuple(got.extras),
            line=xmlsafe.source_line(el),
        )

    def struktur(self, el: etree._Element) -> Struktur:
        element: list[Datenfeld | Datenfeldgruppe] = []

        def enthaelt(e: etree._Element) -> bool | None:
            kids = [k for k in e if isinstance(k.tag, str)]
            if e.attrib or len(kids) != 1 or not self._ours(kids[0]):
                return None
            name = _local(kids[0])
            if name == "datenfeld":
                element.append(self.feld(kids[0]))
            elif name == "datenfeldgruppe":
                element.append(self.gruppe(kids[0]))
            else:
                return None
            return True

        got = self.children(
            el,
            {"anzahl": _plain_text, "bezug": _bezug, "enthaelt": enthaelt},
            frozenset({"bezug"}),
        )
        values = dict(got.known)
        if "anzahl" not in values:
            raise self.error("<struktur> has no <anzahl>", el, "give a cardinality like 1:1")
        if not element:
            raise self.error(
                "<struktur> has no <enthaelt> with one datenfeld or datenfeldgruppe", el
            )
        return Struktur(
            anzahl=values["anzahl"],
            element=element[0],
            bezug=tuple(v for n, v in got.known if n == "bezug"),
            extras=tuple(got.extras),
            line=xmlsafe.source_line(el),
        )

    def _tree_handlers(self) -> dict[str, Any]:
        handle = self._meta_handlers()
        handle["struktur"] = self.struktur
        return handle

    def gruppe(self, el: etree._Element) -> Datenfeldgruppe:
        # The id is read before the children so that a group containing itself is
        # refused before its (endless, for a real cycle) subtree is built.
        ident = next(
            (_ident(k) for k in el if isinstance(k.tag, str) and _local(k) == "identifikation"),
            None,
        )
        key = (ident.id, ident.version) if ident else ("", None)
        if ident is not None and key in self.stack:
            raise self.error(
                f"group {ident} contains itself (cyclic nesting)",
                el,
                "a Datenfeldgruppe must not be nested inside itself",
            )
        if len(self.stack) >= MAX_GROUP_DEPTH:
            raise LimitExceededError(
                f"groups nested deeper than {MAX_GROUP_DEPTH} levels",
                file=self.file,
                line=xmlsafe.source_line(el),
                hint="is the schema generated with a cycle?",
            )
        self.stack.append(key)
        try:
            handle = self._tree_handlers()
            handle["art"] = _code
            got = self.children(
                el, handle, frozenset({"bezug", "stichwort", "relation", "regel", "struktur"})
            )
        finally:
            self.stack.pop()
        ident, meta, rest = self._meta(got)
        return Datenfeldgruppe(
            identifikation=self._need_ident(ident, el),
            meta=meta,
            art=rest.get("art"),
            regeln=tuple(rest["regel"]),
            struktur=tuple(rest["struktur"]),
            extras=tuple(got.extras),
            line=xmlsafe.source_line(el),
        )

    def schema(self, el: etree._Element) -> Stammdatenschema:
        handle = self._tree_handlers()
        handle.update(dict.fromkeys(SCHEMA_CODE, _code))
        got = self.children(
            el, handle, frozenset({"bezug", "stichwort", "relation", "regel", "struktur"})
        )
        ident, meta, rest = self._meta(got)
        return Stammdatenschema(
            identifikation=self._need_ident(ident, el),
            meta=meta,
            ableitungsmodifikationen_struktur=rest.get("ableitungsmodifikationenStruktur"),
            ableitungsmodifikationen_repraesentation=rest.get(
                "ableitungsmodifikationenRepraesentation"
            ),
            regeln=tuple(rest["regel"]),
            struktur=tuple(rest["struktur"]),
            extras=tuple(got.extras),
            line=xmlsafe.source_line(el),
        )

    def header(self, el: etree._Element) -> Header:
        got = self.children(el, {"nachrichtID": _plain_text, "erstellungszeitpunkt": _plain_text})
        values = dict(got.known)
        return Header(
            nachricht_id=values.get("nachrichtID"),
            erstellungszeitpunkt=values.get("erstellungszeitpunkt"),
            extras=tuple(got.extras),
        )


def _identify(root: etree._Element, file: str | None) -> tuple[XdfVersion, MessageType]:
    qname = etree.QName(root)
    ns = qname.namespace or ""
    line = xmlsafe.source_line(root)
    if not ns.startswith(_NS_FAMILY):
        raise InputError(
            f"not an XDatenfelder message (root element <{qname.localname}>"
            + (f" in namespace {ns}" if ns else " without namespace")
            + ")",
            file=file,
            line=line,
            hint=f"expected a root in {NAMESPACES[XdfVersion.V2]} or {NAMESPACES[XdfVersion.V3]}",
        )
    version = _VERSION_BY_NS.get(ns)
    if version is None:
        raise UnsupportedVersionError(
            f"unknown XDatenfelder version (namespace {ns})",
            file=file,
            line=line,
            hint="this tool reads XDatenfelder 2 and 3.0.0",
        )
    try:
        message = MessageType(qname.localname)
    except ValueError:
        raise InputError(
            f"unknown XDatenfelder message type <{qname.localname}>",
            file=file,
            line=line,
            hint="expected " + " or ".join(m.value for m in MessageType),
        ) from None
    return version, message


def read_xdf_bytes(data: bytes, *, file: str | None = None) -> XdfDocument:
    """Read one XDatenfelder message (v2 or 3.0.0) from bytes."""
    root = xmlsafe.parse_bytes(data, file=file, limits=_LIMITS).getroot()
    return _document(root, None, file)


def _document(root: etree._Element, reader: _Reader | None, file: str | None) -> XdfDocument:
    version, message = _identify(root, file)
    if reader is None:
        reader = _Reader(version, NAMESPACES[version], file)
    want = "stammdatenschema" if message is MessageType.STAMMDATENSCHEMA else "datenfeldgruppe"
    build = reader.schema if message is MessageType.STAMMDATENSCHEMA else reader.gruppe
    got = reader.children(root, {"header": reader.header, want: build})
    values = dict(got.known)
    if want not in values:
        raise InputError(
            f"<{message.value}> has no <{want}>", file=file, line=xmlsafe.source_line(root)
        )
    return XdfDocument(
        version=version,
        message_type=message,
        header=values.get("header"),
        content=values[want],
        prefix=root.prefix,
        extras=tuple(got.extras),
    )


def _read_streamed(path: str | Path, file: str) -> XdfDocument:
    """The model of :func:`read_xdf_bytes`, with each Datenfeld read when its
    ``enthaelt`` ends and then emptied. A field is left whole (and read by the
    tree walk, in document order, as without streaming) when it does not read,
    holds elements nested beyond the depth limit, or sits where the tree walk
    would not read it as a field."""
    reader: _Reader | None = None
    root: etree._Element | None = None
    enthaelt = datenfeld = ""
    for _event, el in xmlsafe.iterparse(path, file=file, limits=_LIMITS):
        if root is None:
            root = el.getroottree().getroot()
            ns = etree.QName(root).namespace or ""
            version = _VERSION_BY_NS.get(ns)
            if version is not None:
                reader = _Reader(version, ns, file)
                enthaelt, datenfeld = f"{{{ns}}}enthaelt", f"{{{ns}}}datenfeld"
        if reader is not None and el.tag == enthaelt:
            _prebuild(reader, el, datenfeld)
    if root is None:
        raise MalformedXmlError("no root element", file=file, line=1)
    deep = xmlsafe.too_deep(root, _LIMITS.max_depth)
    if deep is not None:
        raise LimitExceededError(
            f"nesting deeper than {_LIMITS.max_depth} levels",
            file=file,
            line=xmlsafe.source_line(deep),
        )
    return _document(root, reader, file)


def _prebuild(reader: _Reader, enthaelt: etree._Element, datenfeld: str) -> None:
    kids = [k for k in enthaelt if isinstance(k.tag, str)]
    if enthaelt.attrib or len(kids) != 1 or kids[0].tag != datenfeld:
        return
    fld = kids[0]
    level = sum(1 for _ in fld.iterancestors()) + 1
    if xmlsafe.too_deep(fld, _LIMITS.max_depth - level + 1) is not None:
        return  # the depth check after parsing must still see it
    try:
        built = reader.feld(fld)
    except InputError:
        return  # raised again by the tree walk, in its order
    reader.prebuilt[fld] = built
    fld.clear()  # its tail is whitespace inside <enthaelt>, never read


def read_xdf(
    path: str | Path, *, file: str | None = None, stream: bool | None = None
) -> XdfDocument:
    """Read an XDatenfelder message from a file.

    ``stream`` (default: for regular files above :data:`STREAM_BYTES`) reads
    it with ``iterparse`` into the same model with the same errors; otherwise
    the file is read whole (bounded) and given to :func:`read_xdf_bytes`.
    """
    import stat

    from xzufi_toolkit.io.inputs import read_errors, read_file

    name = str(path) if file is None else file
    if stream is None:
        with read_errors(name):
            info = Path(path).stat()
        stream = stat.S_ISREG(info.st_mode) and STREAM_BYTES < info.st_size <= MAX_SCHEMA_BYTES
    if stream:
        try:
            return _read_streamed(path, name)
        except _Fallback:
            pass
    return read_xdf_bytes(read_file(path, file=name, limit=MAX_SCHEMA_BYTES), file=name)
