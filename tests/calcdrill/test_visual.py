"""Visual regression: the first page of each document, compared with reviewed images.

The reference PNGs in ``tests/calcdrill/visual/`` were looked at and approved.  A page
may differ from its reference in anti-aliasing (fonts hinted a little differently): the
test fails when more than ``TOLERANCE`` of the pixels differ clearly.  After a change
meant to alter the look, regenerate the references with
``CALCDRILL_UPDATE_REFERENCES=1 pytest tests/calcdrill/test_visual.py``, look at them,
and commit them.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from calcdrill.generate import generate_class
from calcdrill.grading import grade_class
from calcdrill.manifest import load_manifest
from calcdrill.report import class_report_html
from calcdrill.roster import Student
from calcdrill.submissions import read_submissions
from generator.banks.load import shipped_banks
from generator.documents.render import DocumentInfo

REFERENCES = Path(__file__).parent / "visual"
TOLERANCE = 0.005  # share of pixels allowed to differ by more than a quarter of the range
DPI = "60"

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                 reason="pdftoppm (poppler-utils) missing")]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The first page of the worksheet, key, solutions and class report, as PNG files."""
    import json

    import weasyprint
    out = tmp_path_factory.mktemp("visual")
    result = generate_class(
        shipped_banks(), [Student("s001", "Siobhán O'Brien"), Student("s002", "张伟")],
        problems=4, seed=5, out=out / "class",
        info=DocumentInfo("Week 3", "ML 101 — Été", "2026-11-21"),
        family_ids=["gradient-descent-step", "jacobian", "softmax-cross-entropy-gradient",
                    "critical-point"], progress=False)
    manifest = json.loads(result.manifest.read_text("utf-8"))
    rows = ["student_id,code,answer"] + [
        f'{p["student_id"]},{p["code"]},"{p["answer"] if k % 2 else "0"}"'
        for s in manifest["students"] for k, p in enumerate(s["problems"])]
    (out / "answers.csv").write_text("\n".join(rows) + "\n", "utf-8")
    graded = grade_class(load_manifest(result.manifest), read_submissions(out / "answers.csv"))
    weasyprint.HTML(string=class_report_html(graded, "Week 3")).write_pdf(out / "report.pdf")
    documents = {"worksheet": result.worksheets[0], "answer_key": result.answer_key,
                 "solutions": result.solutions, "report": out / "report.pdf"}
    images = {}
    for name, pdf in documents.items():
        subprocess.run(["pdftoppm", "-r", DPI, "-png", "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(out / name)], check=True)
        images[name] = out / f"{name}.png"
    return images


def differing_share(page: Path, reference: Path) -> float:
    from PIL import Image, ImageChops
    a, b = Image.open(page).convert("L"), Image.open(reference).convert("L")
    if a.size != b.size:
        return 1.0
    diff = ImageChops.difference(a, b).point(lambda v: 255 if v > 64 else 0)
    return sum(1 for v in diff.tobytes() if v) / (a.size[0] * a.size[1])


@pytest.mark.parametrize("name", ["worksheet", "answer_key", "solutions", "report"])
def test_page_looks_as_reviewed(pages, name):
    reference = REFERENCES / f"{name}.png"
    if os.environ.get("CALCDRILL_UPDATE_REFERENCES"):
        shutil.copyfile(pages[name], reference)
    assert reference.exists(), f"no reference image {reference.name}; see the module docstring"
    share = differing_share(pages[name], reference)
    assert share <= TOLERANCE, f"{name}: {share:.2%} of the page differs from {reference.name}"


def test_a_changed_page_is_noticed(pages, tmp_path):
    """The comparison is not blind: a page with one line of text moved fails it."""
    from PIL import Image
    page = Image.open(pages["worksheet"]).convert("L")
    band = page.crop((0, 60, page.size[0], 120))
    moved = page.copy()
    moved.paste(band, (0, 75))
    moved.save(tmp_path / "moved.png")
    assert differing_share(tmp_path / "moved.png", pages["worksheet"]) > TOLERANCE
