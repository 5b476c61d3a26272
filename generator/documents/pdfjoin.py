"""Join PDF files into one, streaming: one part in memory at a time, whatever the total.

A class's answer key and worked solutions are joined from one part per student (or per
batch of students).  ``pypdf.PdfWriter.append`` keeps every page of every part in memory
until it writes, so memory grows with the class; here each part's pages and everything
they use are copied to the output as soon as the part is read, and only the new object
offsets (a few bytes per object) are kept for the cross-reference table.

The output has one bookmark per titled part, optional "Page i of n" footers (drawn in
the PDF's built-in Times font, so nothing is embedded), no dates and no random file
identifier: the same parts give the same bytes.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = join_pdfs([], folder / "empty.pdf")
Traceback (most recent call last):
...
ValueError: nothing to join: no parts given
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable

__all__ = ["JoinedPdf", "join_pdfs"]

# Widths (per 1000 em) of the characters a page-number footer uses, in Times-Roman; a
# standard-14 font needs no embedding, and centring the footer needs its width.
_TIMES_WIDTHS = {**{str(d): 500 for d in range(10)}, " ": 250, "P": 556, "a": 444, "g": 500,
                 "e": 444, "o": 500, "f": 333}
_FOOTER_SIZE = 8.5
_FOOTER_FONT = "/CalcdrillFooter"


@dataclass(frozen=True)
class JoinedPdf:
    """What :func:`join_pdfs` wrote: the file and its number of pages."""

    path: Path
    pages: int


class _Writer:
    """Objects written one after another, their offsets remembered for the xref table."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.offsets: dict[int, int] = {}
        self.next_id = 1
        handle.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def reserve(self) -> int:
        self.next_id += 1
        return self.next_id - 1

    def write(self, number: int, obj) -> None:
        self.offsets[number] = self.handle.tell()
        self.handle.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.handle)
        self.handle.write(b"\nendobj\n")

    def finish(self, root: int, info: int) -> None:
        xref = self.handle.tell()
        size = self.next_id
        lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
        for number in range(1, size):
            # An id reserved but never written (cannot happen) would be a free entry.
            offset = self.offsets.get(number)
            lines.append(f"{offset:010d} 00000 n \n" if offset is not None
                         else "0000000000 00000 f \n")
        self.handle.write("".join(lines).encode())
        self.handle.write(f"trailer\n<< /Size {size} /Root {root} 0 R /Info {info} 0 R >>\n"
                          f"startxref\n{xref}\n%%EOF\n".encode())


def _footer(number: int, total: int, width: float) -> bytes:
    text = f"Page {number} of {total}"
    text_width = sum(_TIMES_WIDTHS.get(c, 500) for c in text) * _FOOTER_SIZE / 1000
    x = (width - text_width) / 2
    # The bottom margin of the templates is 20 mm; the footer sits in its middle.
    return (f"Q q BT {_FOOTER_FONT} {_FOOTER_SIZE} Tf 0.333 0.333 0.333 rg "
            f"{x:.2f} 26 Td ({text}) Tj ET Q").encode()


def join_pdfs(parts: Iterable[tuple[str | None, Path]], target: Path, *,
              page_numbers: bool = False, title: str = "") -> JoinedPdf:
    """Concatenate PDF files into ``target``, streaming.

    Parameters
    ==========

    parts : (bookmark title or None, path) pairs, in order; a title adds a bookmark to
        the part's first page.  Without page numbers they are read as they come, so a
        generator may hand them over while they are still being made.
    target : the file to write; it is written under a temporary name and renamed, so it
        is either complete or absent.
    page_numbers : stamp "Page i of n" at the foot of every page (for a document laid out
        in parts that carry no page numbers of their own).
    title : the document title in the PDF's metadata.

    Raises
    ======

    ValueError: when ``parts`` is empty.
    pypdf.errors.PdfReadError: when a part is not a readable PDF.
    """
    from pypdf import PdfReader
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject,
                               IndirectObject, NameObject, NumberObject, TextStringObject)

    class _Out(IndirectObject):
        """A reference already in the output's numbering."""

        def __init__(self, number: int) -> None:
            super().__init__(number, 0, None)

    total = 0
    if page_numbers:  # "of n" needs n before the first page is written
        parts = list(parts)
        total = sum(len(PdfReader(str(path)).pages) for _, path in parts)
    target = Path(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    kids: list[IndirectObject] = []
    marks: list[tuple[str, IndirectObject]] = []
    try:
        with open(temporary, "wb") as handle:
            out = _Writer(handle)
            pages_id, catalog_id, info_id = out.reserve(), out.reserve(), out.reserve()
            pages_ref = _Out(pages_id)
            font_ref = save_ref = None
            if page_numbers:
                font_ref = _Out(out.reserve())
                out.write(font_ref.idnum, DictionaryObject({
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/Times-Roman"),
                    NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
                # The parts' drawing may leave the graphics state changed: it is saved first
                # and restored before the footer.
                save = DecodedStreamObject()
                save.set_data(b"q")
                save_ref = _Out(out.reserve())
                out.write(save_ref.idnum, save)
            for bookmark, path in parts:
                reader = PdfReader(str(path))
                mapping: dict[int, int] = {}
                queue: list = []

                def renumber(obj):
                    """``obj`` with every reference to the part's objects renumbered."""
                    if isinstance(obj, _Out):
                        return obj
                    if isinstance(obj, IndirectObject):
                        if obj.idnum not in mapping:
                            mapping[obj.idnum] = out.reserve()
                            queue.append(obj)
                        return _Out(mapping[obj.idnum])
                    if isinstance(obj, DictionaryObject):
                        for key in list(obj.keys()):
                            obj[NameObject(key)] = renumber(obj.raw_get(key))
                    elif isinstance(obj, ArrayObject):
                        for k in range(len(obj)):
                            obj[k] = renumber(list.__getitem__(obj, k))
                    return obj

                first = True
                for page in reader.pages:  # pypdf copies inherited attributes onto each page
                    original = page.indirect_reference
                    number = mapping.setdefault(original.idnum, out.reserve())
                    page_ref = _Out(number)
                    kids.append(page_ref)
                    if first and bookmark:
                        marks.append((bookmark, page_ref))
                    first = False
                    if page_numbers:
                        # Shared resources already written (renumbered) have the font.
                        resources = page.raw_get("/Resources")
                        if not isinstance(resources, _Out):
                            resources = resources.get_object()
                            fonts = resources.raw_get("/Font") if "/Font" in resources else None
                            if fonts is None:
                                resources[NameObject("/Font")] = DictionaryObject(
                                    {NameObject(_FOOTER_FONT): font_ref})
                            elif not isinstance(fonts, _Out):
                                fonts.get_object()[NameObject(_FOOTER_FONT)] = font_ref
                        stamp = DecodedStreamObject()
                        box = page.mediabox
                        stamp.set_data(_footer(len(kids), total, float(box.width)))
                        stamp_ref = _Out(out.reserve())
                        out.write(stamp_ref.idnum, stamp)
                        contents = page.get("/Contents")
                        contents = contents.get_object() if contents is not None else None
                        old = list(contents) if isinstance(contents, ArrayObject) else \
                            [page.raw_get("/Contents")] if contents is not None else []
                        page[NameObject("/Contents")] = ArrayObject([save_ref, *old])
                        page[NameObject("/Contents")].append(stamp_ref)
                    plain = DictionaryObject({k: v for k, v in page.items() if k != "/Parent"})
                    plain = renumber(plain)
                    plain[NameObject("/Parent")] = pages_ref
                    out.write(number, plain)
                    while queue:
                        reference = queue.pop()
                        obj = reference.get_object()
                        if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Page":
                            # A link to a page of this part: the page is written in the loop.
                            continue
                        out.write(mapping[reference.idnum], renumber(obj))
                del reader
            if not kids:
                raise ValueError("nothing to join: no parts given")
            outline_id = None
            if marks:
                outline_id = out.reserve()
                ids = [out.reserve() for _ in marks]
                for k, ((text, page_ref), number) in enumerate(zip(marks, ids)):
                    item = DictionaryObject({
                        NameObject("/Title"): TextStringObject(text),
                        NameObject("/Parent"): _Out(outline_id),
                        NameObject("/Dest"): ArrayObject([page_ref, NameObject("/Fit")])})
                    if k:
                        item[NameObject("/Prev")] = _Out(ids[k - 1])
                    if k + 1 < len(ids):
                        item[NameObject("/Next")] = _Out(ids[k + 1])
                    out.write(number, item)
                out.write(outline_id, DictionaryObject({
                    NameObject("/Type"): NameObject("/Outlines"),
                    NameObject("/First"): _Out(ids[0]),
                    NameObject("/Last"): _Out(ids[-1]),
                    NameObject("/Count"): NumberObject(len(ids))}))
            out.write(pages_id, DictionaryObject({
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(kids),
                NameObject("/Count"): NumberObject(len(kids))}))
            catalog = DictionaryObject({NameObject("/Type"): NameObject("/Catalog"),
                                        NameObject("/Pages"): pages_ref})
            if outline_id is not None:
                catalog[NameObject("/Outlines")] = _Out(outline_id)
                catalog[NameObject("/PageMode")] = NameObject("/UseOutlines")
            out.write(catalog_id, catalog)
            info = DictionaryObject({NameObject("/Producer"): TextStringObject("calcdrill")})
            if title:
                info[NameObject("/Title")] = TextStringObject(title)
            out.write(info_id, info)
            out.finish(catalog_id, info_id)
    except BaseException:
        temporary.unlink(missing_ok=True)  # nothing half-written is left
        raise
    os.replace(temporary, target)
    return JoinedPdf(target, len(kids))
