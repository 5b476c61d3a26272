"""The student page in a real Chromium, as a student uses it on a phone.

Debian's ``chromium`` is driven through Playwright (``executable_path``; Playwright's own
browser download is never used).  Without a browser these tests skip, saying why.
"""

from __future__ import annotations

import os
import re
import shutil
import zlib
from pathlib import Path

import pytest

from calcdrill.web import WebConfig

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CALCDRILL_CHROMIUM") or shutil.which("chromium") or \
    shutil.which("chromium-browser") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 360, "height": 740}
#: Where the phone screenshot goes when CALCDRILL_SCREENSHOTS names a folder.
SHOTS = os.environ.get("CALCDRILL_SCREENSHOTS")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright is not installed (./setup.sh --test)")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or ./setup.sh --test)")
    with sync_api.sync_playwright() as playwright:
        try:
            instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS,
                                                  headless=True)
        except Exception as err:  # noqa: BLE001 - any launch failure means: no usable browser
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {err}")
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def server(running_server, tmp_path_factory):
    database = tmp_path_factory.mktemp("browser") / "attempts.sqlite3"
    config = WebConfig(database=f"sqlite:///{database}", workers=1, rate_limit=0)
    with running_server(config) as running:
        yield running


def _phone(browser, **options):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, **options)
    return context, context.new_page()


def _png_is_not_blank(png: bytes) -> bool:
    """True when a PNG screenshot has more than one colour: something was drawn.

    Reads the image's pixel data with zlib alone (8-bit RGB or RGBA, as Chromium writes).
    """
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, k = {}, 8
    data = b""
    while k < len(png):
        length = int.from_bytes(png[k:k + 4], "big")
        kind = png[k + 4:k + 8]
        body = png[k + 8:k + 8 + length]
        if kind == b"IDAT":
            data += body
        else:
            chunks.setdefault(kind, body)
        k += 12 + length
    width = int.from_bytes(chunks[b"IHDR"][0:4], "big")
    channels = {2: 3, 6: 4}[chunks[b"IHDR"][9]]
    raw = zlib.decompress(data)
    stride = width * channels + 1
    # Filter bytes differ per row; compare the unfiltered first row with later rows' data
    # only roughly: enough distinct byte values means more than a flat colour.
    distinct = set(raw[stride * 40: stride * 400])
    return len(distinct) > 16


class TestStudentInBrowser:
    def test_type_code_see_problem_preview_and_verdict(self, browser, server, instances,
                                                       tmp_path) -> None:
        """Type a code, see the problem; type, see the preview change; Enter, see the verdict."""
        instance = instances["expression"]
        context, page = _phone(browser)
        page.goto(server.url + "/")
        page.get_by_label("Problem code").fill(instance.code.lower())
        page.wait_for_selector("#problem .prompt svg.math", timeout=20_000)
        assert instance.code in page.inner_text("#problem")

        answer = page.get_by_label("Your answer")
        answer.type("x^2", delay=30)
        page.wait_for_selector("#preview:has-text('Variables found: x')", timeout=20_000)
        first = page.inner_html("#preview")
        answer.fill("")
        answer.type("2x +", delay=30)
        page.wait_for_selector("#preview .unreadable", timeout=20_000)
        assert page.inner_html("#preview") != first
        assert "column" in page.inner_text("#preview")

        answer.fill(instance.mistakes[0].answer)
        answer.press("Enter")
        page.wait_for_selector("#result .verdict", timeout=20_000)
        assert "Not yet right" in page.inner_text("#result")
        assert instance.mistakes[0].feedback.split(":")[0][:30] in page.inner_text("#result")

        # Typing again removes the verdict: it was for other text.
        answer.type(" ")
        assert page.inner_html("#result").strip() == ""

        answer.fill(instance.answer)
        # The preview catches up with the box: it shows how the new text is read.
        page.wait_for_selector("#preview:not(.stale):has-text('Read as')", timeout=20_000)
        answer.press("Enter")
        page.wait_for_selector("#result .verdict.correct", timeout=20_000)
        page.wait_for_selector("#result .solution", timeout=5_000)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        png = page.screenshot(full_page=True)
        assert _png_is_not_blank(png)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            (Path(SHOTS) / "serve-phone-correct.png").write_bytes(png)
        context.close()

    def test_matrix_entries_on_a_phone(self, browser, server, instances) -> None:
        """A matrix with one wrong entry: the entry is marked, the page fits 360 px."""
        instance = instances["matrix"]
        texts = re.findall(r"\[([^\[\]]*)\]", instance.answer)
        first = texts[0].split(",")
        first[-1] = f"{first[-1]} + 1"
        wrong = "[[" + ",".join(first) + "], " + ", ".join(f"[{t}]" for t in texts[1:]) + "]"
        context, page = _phone(browser)
        page.goto(server.url + "/")
        page.get_by_label("Problem code").fill(instance.code)
        page.wait_for_selector("#problem .prompt svg.math", timeout=20_000)
        answer = page.get_by_label("Your answer")
        answer.fill(wrong)
        page.wait_for_selector("#preview:not(.stale):has-text('Read as')", timeout=20_000)
        answer.press("Enter")
        page.wait_for_selector("#result .verdict.incorrect", timeout=20_000)
        assert page.locator("#result td.wrong").count() == 1
        assert "wrong" in page.inner_text("#result td.wrong")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
        png = page.screenshot(full_page=True)
        assert _png_is_not_blank(png)
        if SHOTS:
            (Path(SHOTS) / "serve-phone.png").write_bytes(png)
        context.close()

    def test_keyboard_alone(self, browser, server, instances) -> None:
        """Tab from the code to the answer, Enter checks: no mouse needed."""
        instance = instances["vector"]
        context, page = _phone(browser)
        page.goto(server.url + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "code"
        page.keyboard.type(instance.code)
        page.wait_for_selector("#problem .prompt", timeout=20_000)
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "answer"
        page.keyboard.type(instance.answer)
        page.keyboard.press("Enter")
        page.wait_for_selector("#result .verdict.correct", timeout=20_000)
        context.close()

    def test_without_javascript(self, browser, server, instances) -> None:
        """With JavaScript off the form still posts and the page shows the verdict."""
        instance = instances["expression"]
        context, page = _phone(browser, java_script_enabled=False)
        page.goto(server.url + "/")
        page.get_by_label("Problem code").fill(instance.code)
        page.get_by_label("Your answer").fill("<script>alert(1)</script>")
        page.get_by_role("button", name="Check").click()
        page.wait_for_selector("#result .verdict", timeout=20_000)
        assert "Could not read your answer" in page.inner_text("#result")
        assert page.input_value("#answer") == "<script>alert(1)</script>"
        context.close()
