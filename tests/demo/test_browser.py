"""The demo in a real browser: Debian's Chromium, headless, driven by Playwright."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "demo"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def page(demo_server):
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(demo_server.url, wait_until="load")
        page.wait_for_selector("#vf-dub", timeout=60_000)
        page.errors = errors  # type: ignore[attr-defined]
        yield page
        browser.close()


def test_upload_dub_and_see_video_timeline_and_plan(page, example) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert page.title() == "vidfoley — give video its sound"
    page.locator("#vf-clip input[type=file]").set_input_files(str(example))
    page.wait_for_selector("#vf-clip video", timeout=30_000)
    page.locator("#vf-dub").click()
    # The output video has a source the browser can play (its metadata loaded).
    page.wait_for_function(
        "() => { const v = document.querySelector('#vf-dubbed video');"
        " return v && v.currentSrc && v.readyState >= 1; }", timeout=120_000)
    duration = page.evaluate("document.querySelector('#vf-dubbed video').duration")
    assert duration == pytest.approx(4.0, abs=0.05)
    page.wait_for_function(
        "() => { const i = document.querySelector('#vf-timeline img');"
        " return i && i.complete && i.naturalWidth > 0; }", timeout=60_000)
    timeline_width = page.evaluate("document.querySelector('#vf-timeline img').naturalWidth")
    assert timeline_width >= 400
    plan_text = page.locator("#vf-plan").inner_text()
    assert "impact/" in plan_text or "footsteps/" in plan_text
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "dub.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


def test_muting_a_layer_in_the_table_and_rerendering_changes_the_clip(page) -> None:
    before = page.evaluate("document.querySelector('#vf-dubbed video').currentSrc")
    mute = page.locator('#vf-plan [data-testid="cell-0-4"] input[type=checkbox]')
    assert not mute.is_checked()
    mute.click()
    page.locator("#vf-rerender").click()
    page.wait_for_function(
        "(old) => { const v = document.querySelector('#vf-dubbed video');"
        " return v && v.currentSrc && v.currentSrc !== old && v.readyState >= 1; }",
        arg=before, timeout=60_000)
    assert mute.is_checked()
    # The follow-up event brings the new timeline and the stems zip.
    page.wait_for_function(
        "() => { const i = document.querySelector('#vf-timeline img');"
        " return i && i.complete && i.naturalWidth > 0; }", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "rerender.png"), full_page=True)
    assert page.errors == []  # type: ignore[attr-defined]


def test_prompt_tab_explains_what_is_missing(page) -> None:
    page.get_by_role("tab", name="Prompt to clip").click()
    notice = page.locator("#vf-gen-notice")
    notice.wait_for(state="visible", timeout=10_000)
    text = notice.inner_text()
    assert "--video-model" in text and "Dub a clip" in text
    assert "Traceback" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "prompt.png"), full_page=True)
