"""The browser app in a real browser: headless Chromium (the system package) driven by Playwright.

The app is served as ``run.py viz`` serves it, with no internet for the server or the browser. The
test loads the page, checks the map is drawn, steps the campaign and sees the day and the territory
plot change, changes a slider, a rule switch and the scenario, resets and sees them take effect,
and saves screenshots to results/app_browser.png and, at 1280x720, results/app_1280x720.png. It
checks that the controls show the scenario in use (no_russian_air's sorties slider at 0, R1 unticked in
deconfliction_breaks), that a changed control is flagged until Reset and then really runs, and that
none of Mesa's default controls are on the page. It is skipped, saying why, where Playwright or
Chromium is missing; it never downloads a browser.
"""

from __future__ import annotations

import io
import re
import shutil
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT = ROOT / "results" / "app_browser.png"
SCREENSHOT_1280 = ROOT / "results" / "app_1280x720.png"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
WAIT_MS = 60_000

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser test needs the playwright package (pip install playwright)"
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install the system package (apt-get install chromium) to run the "
        "browser test; it never downloads a browser",
        allow_module_level=True,
    )

expect = playwright_api.expect
from sim.app_controls import slider_step  # noqa: E402
from sim.params import DECLARATION  # noqa: E402
from tests.app_server import running_app  # noqa: E402  (after the skips: it imports the app's command)


@pytest.fixture(scope="module")
def app():
    with running_app() as running:
        yield running


@dataclass
class BrowserSession:
    page: object
    outside_requests: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)

    def route(self, route) -> None:
        """Let requests to this machine through; block and record any other."""
        if urlparse(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside_requests.append(route.request.url)
            route.abort()

    def check_response(self, response) -> None:
        if response.status >= 400:
            self.failed_responses.append(f"{response.status} {response.url}")


@pytest.fixture
def browser():
    """A headless Chromium page whose requests beyond this machine are blocked and recorded."""
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        session = BrowserSession(chromium.new_page(viewport={"width": 1500, "height": 1300}))
        session.page.route(re.compile(r"^https?://"), session.route)
        session.page.on("response", session.check_response)
        try:
            yield session
        finally:
            chromium.close()


def wait_for_day(page, day: int) -> None:
    page.locator(".day-label", has_text=re.compile(rf"^Day {day} ·")).wait_for(timeout=WAIT_MS)


def day_shown(page) -> int:
    return int(re.match(r"Day (\d+)", page.locator(".day-label").inner_text(timeout=WAIT_MS)).group(1))


def wait_for_day_at_least(page, day: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while day_shown(page) < day:
        if time.monotonic() > deadline:
            raise AssertionError(f"day {day} not reached within {seconds:.0f} s of Play")
        time.sleep(0.1)


def settled_day(page, quiet: float = 1.0, seconds: float = 30) -> int:
    """The day shown once it has stayed the same for ``quiet`` seconds."""
    deadline = time.monotonic() + seconds
    day, since = day_shown(page), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = day_shown(page)
        if now != day:
            day, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return day
    raise AssertionError(f"the day kept changing for {seconds:.0f} s after Pause")


def fighters(page, side: str) -> int:
    return int(page.locator(f".fighters-{side}").inner_text(timeout=WAIT_MS).replace(",", ""))


def image_bytes(page, selector: str) -> bytes:
    return page.locator(selector).screenshot(timeout=WAIT_MS)


def wait_for_new_image(page, selector: str, before: bytes, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = image_bytes(page, selector)
        if now != before:
            return now
        time.sleep(0.25)
    raise AssertionError(f"{selector} did not change within {seconds:.0f} s")


def distinct_colours(png: bytes) -> int:
    from PIL import Image

    return len(Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 20) or [])


def choose_scenario(page, name: str) -> None:
    page.locator(".v-select").filter(has_text="Scenario").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.locator(".v-select").filter(has_text=name).first.wait_for(timeout=WAIT_MS)


def rule_switch(page, rule: str):
    return page.get_by_role("checkbox", name=re.compile(rf"^{rule}: "))


def test_the_app_runs_a_campaign_in_a_real_browser(app, browser):
    page = browser.page
    page.goto(app.url, timeout=WAIT_MS)

    # the page loads offline and draws the map: terrain, control colours, rivers, labels
    wait_for_day(page, 0)
    map_image = ".campaign-map img"
    page.locator(map_image).wait_for(timeout=WAIT_MS)
    width = page.locator(map_image).evaluate("image => image.naturalWidth")
    assert width > 300, f"the map image is {width} px wide"
    assert distinct_colours(image_bytes(page, map_image)) > 50, "the map looks blank"
    isis_on_day_0 = fighters(page, "isis")

    # Step advances the day and the territory plot changes
    plot = ".territory-plot img"
    plot_before = image_bytes(page, plot)
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 1)
    plot_after_one = wait_for_new_image(page, plot, plot_before)
    page.get_by_role("button", name="Step").click()
    wait_for_day(page, 2)
    wait_for_new_image(page, plot, plot_after_one)

    # none of Mesa's default controls clutter the page, and nothing covers it
    text = page.locator("body").inner_text()
    for clutter in ("PAGE 0", "Play Interval", "Render Interval", "Use Threads", "Time:", "runs on Solara"):
        assert clutter not in text, f"{clutter!r} is on the page"

    # the controls show the scenario in use: choosing one moves the sliders and switches to its values
    sorties = page.get_by_role("slider", name=re.compile(r"^Russian sorties per day"))
    assert sorties.get_attribute("aria-valuenow") == "30"
    choose_scenario(page, "deconfliction_breaks")
    expect(rule_switch(page, "R1")).not_to_be_checked(timeout=5000)  # deconfliction_breaks switches R1 off
    choose_scenario(page, "no_russian_air")
    expect(sorties).to_have_attribute("aria-valuenow", "0", timeout=5000)  # no_russian_air's 0 sorties
    expect(rule_switch(page, "R1")).to_be_checked(timeout=5000)
    changed = page.locator(".controls-changed")
    changed.wait_for(timeout=WAIT_MS)  # the view is stale until Reset, and the page says so
    assert "press Reset" in changed.inner_text()

    # what the controls show is what runs: sorties back to 30 in no_russian_air, a slider, a rule
    sorties.focus()
    for _ in range(round(30 / slider_step(DECLARATION["russian_sorties_per_day"]))):
        page.keyboard.press("ArrowRight")
    assert sorties.get_attribute("aria-valuenow") == "30"
    slider = page.get_by_role("slider", name=re.compile(r"^ISIS fighters city"))
    slider.focus()
    page.keyboard.press("End")
    assert slider.get_attribute("aria-valuenow") == "4000"
    expect(page.locator(".campaign-controls")).to_contain_text("ISIS fighters city: 4,000 fighters")  # at rest
    page.get_by_text(re.compile(r"^R14: ")).click()
    page.get_by_role("button", name="Reset").click()
    summary = page.locator(".scenario-summary")
    summary.filter(has_text="isis_fighters_city = 4000").wait_for(timeout=WAIT_MS)
    wait_for_day(page, 0)
    text = summary.inner_text()
    assert "Scenario: no_russian_air" in text
    assert "russian_sorties_per_day = 30" in text, text
    assert re.search(r"Rules off:.*\bR14\b", text), text
    assert fighters(page, "isis") == isis_on_day_0 + 1500  # the city's ISIS garrison went from 2500 to 4000
    changed.wait_for(state="detached", timeout=WAIT_MS)  # the controls match the campaign again

    # Play runs the campaign day after day until paused
    page.get_by_role("button", name="▶").click()
    wait_for_day_at_least(page, 3)
    page.get_by_role("button", name="❚❚").click()
    paused_on = settled_day(page)  # the day being stepped when Pause was pressed still finishes
    assert paused_on >= 3
    time.sleep(1.5)
    assert day_shown(page) == paused_on, "the campaign went on after Pause"

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SCREENSHOT_1280))
    map_width = page.locator(map_image).bounding_box()["width"]
    assert map_width >= 500, f"at 1280x720 the map is drawn {map_width:.0f} px wide"
    assert "samesite" not in app.log_tail(500).lower(), "the server log repeats Solara's cookie warning"
    assert not browser.outside_requests, f"the page asked for outside resources: {browser.outside_requests}"
    assert not browser.failed_responses, f"requests failed: {browser.failed_responses}\n{app.log_tail()}"


def test_the_app_is_served_on_127_0_0_1_only(app):
    address = outward_address()
    if address is None:
        pytest.skip("this machine has no address besides the loopback to try")
    with socket.socket() as probe:
        probe.settimeout(2)
        assert probe.connect_ex((address, app.port)) != 0, f"the app answers on {address}:{app.port}"


def outward_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one besides loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: connecting a UDP socket only picks the route
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address
