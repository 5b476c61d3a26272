"""ziamath, faster: costs of its layout removed without changing a byte it writes.

ziamath 0.12-0.13 spent most of a formula's time on work whose result it never used or
had already computed.  :func:`speed_up` replaces four of its functions by ones that give
the same results (the tests typeset the same formulas with and without them and compare
the SVG byte for byte; so did the change itself, on all 1,516 formulas of the shipped
families).  Another ziamath version is left as it is.

* ``Mnode.size_px`` rebuilds a table of 14 formatted strings on every call; it is a
  pure function of its arguments, so its results are remembered.
* ``parse_style`` deep-copies the parent style (``dataclasses.asdict``) for every node
  only to read five plain fields from it; a shallow copy reads the same, and one merged
  dict answers the same lookups as its ``ChainMap``.
* Every row is laid out twice: once, in full, only to measure how tall a stretchy
  operator in it (a fence, a bar) must grow, then for real; nested rows double that at
  each depth.  A row with no stretchy operator anywhere inside is not measured (only
  stretchy operators read the measure).  In a row that is measured (a matrix between
  brackets, a fraction between ``\\left(`` and ``\\right)``), a part with nothing
  stretchy inside is laid out the same way both times, so the measured layout is kept
  for real instead of being made again: a part's layout depends on the row only through
  its left neighbour, read by a number or identifier (after a fence), a fraction (its
  lead space) and a table (its margin after a fence); those are checked against the real
  neighbour, and a fraction's own placing is redone with it.
* A glyph's outline (its ``<symbol>``) is formatted again in every formula; a font
  glyph's outline never changes, so it is formatted once per process.
* Copies of MathML are made by writing the XML out and reading it back (to measure a
  row, and to drop ``<mstyle>`` elements even where there are none); ``copy.deepcopy``
  makes the same copy, and a tree without ``<mstyle>`` is left as it is.
* A table makes a new ``namedtuple`` class (compiling its source) every time it is laid
  out; the class is the same every time, so it is made once.
* Entity names (``&alpha;``) are replaced through one regular expression of 2,079
  alternatives, tried at every character; all of them have the form ``&name;``, so one
  short expression finds the candidates and the same table replaces them.  Compiling
  that expression was a third of importing ziamath (so of every process's start-up):
  :func:`defer_entity_expression`, called before the import, gives ziamath its
  ``escapes`` module with the expression compiled only if it is ever used.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import importlib.util
import re
import sys
import types
from pathlib import Path
from typing import Any, Iterator

__all__ = ["defer_entity_expression", "original_ziamath", "speed_up"]

#: (owner, attribute, original value) of everything :func:`speed_up` replaced.
_REPLACED: list[tuple[Any, str, Any]] = []


#: The names of ziamath's entity table that are operators, not ``&name;`` (``\\*=`` is
#: its key for ``*=``, escaped twice).
_OPERATOR_NAMES = frozenset({":=", "\\*=", "==", "!="})

#: SHA-256 of the ``escapes.py`` whose work :func:`defer_entity_expression` does (ziamath
#: 0.12 and 0.13): what it replicates is known exactly; any other file is imported as is.
_KNOWN_ESCAPES = frozenset({
    "b46e53a928635b328f91822be9edea3b1113885d730fcdbaafc20963c64b44dc"})
#: What that ``escapes.py`` adds to the entity table, in its order.
_ESCAPES_ADDED = {":=": "≔", "\\*=": "⩮", "==": "⩵", "!=": "≠", "&InvisibleComma;": "",
                  "&InvisibleTimes;": ""}


def defer_entity_expression() -> None:
    """Before ziamath is imported: its ``escapes`` module as it ships, except that the
    2,079-way expression is compiled when first used instead of at import.

    Only for the ``escapes.py`` known by its hash, and only while neither ziamath nor the
    module is imported; otherwise nothing is done and ziamath imports its own.
    """
    if "ziamath" in sys.modules or "ziamath.escapes" in sys.modules:
        return
    spec = importlib.util.find_spec("ziamath")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return
    folder = Path(list(spec.submodule_search_locations)[0])
    try:
        source = (folder / "escapes.py").read_bytes()
    except OSError:
        return
    codes_spec = importlib.util.spec_from_file_location("ziamath.escape_codes",
                                                        folder / "escape_codes.py")
    if hashlib.sha256(source).hexdigest() not in _KNOWN_ESCAPES or codes_spec is None:
        return
    codes = importlib.util.module_from_spec(codes_spec)
    codes_spec.loader.exec_module(codes)  # the table: a module of data, imported as usual

    module = types.ModuleType("ziamath.escapes", "MathML escape codes (ziamath's, with "
                              "the expression compiled on first use)")
    module.__file__ = str(folder / "escapes.py")
    module.ESCAPES = codes.ESCAPES
    module.ESCAPES.update(_ESCAPES_ADDED)

    def expression(name: str):
        if name != "regex":
            raise AttributeError(f"module 'ziamath.escapes' has no attribute {name!r}")
        module.regex = re.compile("|".join(map(re.escape, module.ESCAPES.keys())))
        return module.regex

    def unescape(xmlstr: str) -> str:
        """Remove MathML escape codes from xml string (ziamath's own)."""
        xml = module.regex.sub(lambda match: module.ESCAPES[match.group(0)], xmlstr)
        xml = re.sub(r"<mn.*>\s*-", "<mn>−", xml)
        return re.sub(r"<mo.*>\s*-\s*</mo>", "<mo> − </mo>", xml)

    module.__getattr__ = expression  # PEP 562: reached only while regex is not compiled
    module.unescape = unescape
    sys.modules["ziamath.escape_codes"] = codes
    sys.modules["ziamath.escapes"] = module


#: Parts whose layout never reads their left neighbour (their own parts' neighbours are
#: their own): what was measured is what is laid out.
_SAME_ANYWHERE = frozenset({"mrow", "mtext", "mo", "msub", "msup", "msubsup", "munder",
                            "mover", "munderover", "msqrt", "mroot", "mspace", "mpadded",
                            "mphantom", "mstyle"})


def speed_up(ziamath) -> None:
    """Install the faster functions into ``ziamath`` (once; other versions: nothing)."""
    from ziafont.glyph import SimpleGlyph
    from ziamath import escapes, operators, styles, zmath
    from ziamath.nodes import mtable
    from ziafont.fonttypes import BBox
    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.mrow import Mrow
    from ziamath.nodes.nodetools import elementtext

    version = tuple(int(p) for p in re.findall(r"\d+", ziamath.__version__)[:2])
    if version not in ((0, 12), (0, 13)) or _REPLACED:
        return

    size_px_of = Mnode.size_px
    sizes: dict[tuple[str, float], float] = {}

    def size_px(self, size: str, fontsize: float | None = None) -> float:
        key = (size, self.glyphsize if fontsize is None else fontsize)
        if key not in sizes:
            sizes[key] = size_px_of(self, size, key[1])
        return sizes[key]

    names = [f.name for f in dataclasses.fields(styles.MathStyle)]

    def shallow_asdict(style) -> dict:
        return {name: getattr(style, name) for name in names}

    def merged(attributes, inherited) -> dict:
        return {**inherited, **attributes}

    def stretches(element) -> bool:
        for node in element.iter():
            if node.tag in ("mfenced", "menclose"):  # these make their operators themselves
                return True
            if node.tag == "mo":
                params = operators.get_params(elementtext(node), node.get("form", "infix"))
                params.update(node.attrib)
                if params.get("stretchy", "false") != "false":
                    return True
        return False

    def get_height_nostretch(self, line, **kwargs):
        if not any(stretches(child) for child in line):
            return 9999, -9999  # what the measure gives an empty row; nothing reads it
        # As ziamath measures (a copy of each part, stretchy operators left out of the
        # height), keeping the layouts of the parts that will be laid out the same again.
        ymax, ymin = -9999, 9999
        kwargs["nostretch"] = True
        kept = {}
        for child in line:
            if child.tag == "mo" and elementtext(child) == "":
                continue
            stretchy = stretches(child)
            node = Mnode.fromelement(copy.deepcopy(child), parent=self, **kwargs)
            ymax, ymin = max(ymax, node.bbox.ymax), min(ymin, node.bbox.ymin)
            if not stretchy:
                kept[id(child)] = node
        self._measured = kept
        return ymin, ymax

    def laid_out_again(node, row) -> bool:
        """Whether ``node``, measured with no left neighbour, is what laying its part out
        now, after the row's parts so far, would give (a fraction is placed again)."""
        tag = node.mtag
        if tag in ("mn", "mi"):
            left = node.leftsibling()
            return left is None or left.mtag != "mfenced"
        if tag == "mfrac":
            if node.leftsibling() is not None:
                node.nodes, node.nodexy, node.bbox = [], [], BBox(0, 0, 0, 0)
                # with what Mfrac.__init__ hands its _setup
                node._setup(**{**{k: v for k, v in row.items() if k != "sup"}, "frac": True})
            return True
        if tag == "mtable":
            element = node.element
            return (element.get("displaystyle") in (True, "true") or not len(element)
                    or not len(element[0]) or element[0][0].get("columnalign") is None
                    or node.leftsibling() is None)
        return tag in _SAME_ANYWHERE

    def setup_single_line(self, line, **kwargs):
        # ziamath's own loop, taking a part's measured layout where it is the same.
        rowymin, rowymax = self._get_height_nostretch(line, **kwargs)
        measured = self.__dict__.pop("_measured", {})
        kwargs["rowymin"], kwargs["rowymax"] = rowymin, rowymax
        ymax, ymin = -9999, 9999
        x = xmin = xmax = 0.
        for child in line:
            if child.tag == "mo" and elementtext(child) == "":
                continue
            node = measured.get(id(child))
            if node is None or not laid_out_again(node, kwargs):
                node = Mnode.fromelement(child, parent=self, **kwargs)
            self.nodes.append(node)
            self.nodexy.append((x, 0))
            xmax = max(xmax, x + node.bbox.xmax)
            xmin = min([nxy[0] + n.bbox.xmin for nxy, n in zip(self.nodexy, self.nodes)])
            ymax = max(ymax, node.bbox.ymax)
            ymin = min(ymin, node.bbox.ymin)
            x += node.xadvance()
        self.bbox = BBox(xmin, xmax, ymin, ymax)
        self._xadvance = x

    symbol_of = SimpleGlyph.svgsymbol
    symbols: dict[tuple, Any] = {}

    def svgsymbol(self):
        if type(self) is not SimpleGlyph or self.index < 0:  # assembled, stretched glyphs
            return symbol_of(self)
        key = (self.font.info.filename, self.index, self.viewbox)
        if key not in symbols:
            symbols[key] = symbol_of(self)
        return copy.copy(symbols[key])

    flatten_mstyle = zmath.apply_mstyle

    def apply_mstyle(element):
        if element.find(".//mstyle") is None and element.tag != "mstyle":
            return element  # what writing it out and reading it back gives
        return flatten_mstyle(element)

    table = escapes.ESCAPES
    # Every name is "&...;" with no "&" or ";" inside, or one of four operators with
    # distinct first characters, and no name begins another: wherever the table's
    # expression matches, this one matches the same text.
    if all(k.startswith("&") and k.endswith(";") and "&" not in k[1:] and ";" not in k[:-1]
           for k in table if k not in _OPERATOR_NAMES) and _OPERATOR_NAMES <= table.keys():
        candidates = re.compile("&[^&;]*;|" + "|".join(re.escape(k) for k in _OPERATOR_NAMES))
        minus_number = re.compile(r"<mn.*>\s*-")
        minus_operator = re.compile(r"<mo.*>\s*-\s*</mo>")

        def unescape(xml: str) -> str:
            xml = candidates.sub(lambda m: table.get(m.group(0), m.group(0)), xml)
            xml = minus_number.sub("<mn>−", xml)
            return minus_operator.sub("<mo> − </mo>", xml)
    else:
        unescape = zmath.unescape

    make_namedtuple = mtable.namedtuple
    classes: dict[tuple[str, str], Any] = {}

    def namedtuple(typename: str, field_names: str):
        if (typename, field_names) not in classes:
            classes[typename, field_names] = make_namedtuple(typename, field_names)
        return classes[typename, field_names]

    for owner, name, value in [(mtable, "namedtuple", namedtuple),
                               (zmath, "apply_mstyle", apply_mstyle),
                               (zmath, "unescape", unescape),
                               (Mnode, "size_px", size_px), (styles, "asdict", shallow_asdict),
                               (styles, "ChainMap", merged),
                               (Mrow, "_get_height_nostretch", get_height_nostretch),
                               (Mrow, "_setup_single_line", setup_single_line),
                               (SimpleGlyph, "svgsymbol", svgsymbol)]:
        _REPLACED.append((owner, name, getattr(owner, name)))
        setattr(owner, name, value)


@contextlib.contextmanager
def original_ziamath() -> Iterator[None]:
    """ziamath as it ships, for as long as the block runs (the tests compare both)."""
    faster = [(owner, name, getattr(owner, name)) for owner, name, _ in _REPLACED]
    for owner, name, value in _REPLACED:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in faster:
            setattr(owner, name, value)
