"""A real browser (Debian's chromium driven by Playwright) logs in and reads the event page."""

import os
import shutil

import pytest

from chainvest.events.models import Event

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the ORM calls below are still sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_page():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is not installed: `make test` installs it (apt)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(locale="zh-CN")
        yield page
        browser.close()


@pytest.fixture
def fourth_event(demo) -> Event:
    # Read before the browser starts: inside Playwright's greenlet the ORM would open a second
    # connection that outlives the test and keeps PostgreSQL from dropping the test database.
    return Event.objects.get(date="2023-08-18")


def test_analyst_logs_in_and_reads_1026_on_the_fourth_event(
    live_server, fourth_event, browser_page
):
    from django.conf import settings

    event = fourth_event
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/events/{event.pk}/")
    summary = page.locator("[data-testid=event-summary]")
    assert "签约项目17个" in summary.inner_text()
    assert "1,026亿元" in summary.inner_text()
