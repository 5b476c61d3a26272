"""ziamath, faster: four costs of its layout removed without changing a byte it writes.

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
  stretchy operators read the measure).
* A glyph's outline (its ``<symbol>``) is formatted again in every formula; a font
  glyph's outline never changes, so it is formatted once per process.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import re
from typing import Any, Iterator

__all__ = ["original_ziamath", "speed_up"]

#: (owner, attribute, original value) of everything :func:`speed_up` replaced.
_REPLACED: list[tuple[Any, str, Any]] = []


def speed_up(ziamath) -> None:
    """Install the faster functions into ``ziamath`` (once; other versions: nothing)."""
    from ziafont.glyph import SimpleGlyph
    from ziamath import operators, styles
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

    measure = Mrow._get_height_nostretch

    def get_height_nostretch(self, line, **kwargs):
        if any(stretches(child) for child in line):
            return measure(self, line, **kwargs)
        return 9999, -9999  # what the measure gives an empty row; nothing reads it

    symbol_of = SimpleGlyph.svgsymbol
    symbols: dict[tuple, Any] = {}

    def svgsymbol(self):
        if type(self) is not SimpleGlyph or self.index < 0:  # assembled, stretched glyphs
            return symbol_of(self)
        key = (self.font.info.filename, self.index, self.viewbox)
        if key not in symbols:
            symbols[key] = symbol_of(self)
        return copy.copy(symbols[key])

    for owner, name, value in [(Mnode, "size_px", size_px), (styles, "asdict", shallow_asdict),
                               (styles, "ChainMap", merged),
                               (Mrow, "_get_height_nostretch", get_height_nostretch),
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
