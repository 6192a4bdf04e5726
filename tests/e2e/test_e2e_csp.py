"""In a real browser the pages break no rule of the Content Security Policy: every script,
style and chart of the main pages loads with `script-src 'self'` and nothing is blocked."""

import pytest
from django.urls import reverse

from tests.e2e.test_e2e_chain_map import sign_in
from tests.e2e.test_e2e_event_page import browser_page  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.e2e

# Recorded by the page itself: a blocked script or style fires securitypolicyviolation.
WATCH = """() => {
  window.__violations = window.__violations || [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
}"""


@pytest.fixture
def pages(demo) -> list[str]:
    """Read before the browser starts (see fourth_event in the event test)."""
    from chainvest.chains.models import Chain
    from chainvest.events.models import Event
    from chainvest.projects.models import Project

    names = ["dashboard", "chains", "projects", "events", "attention", "kpis", "tokens"]
    names += ["enterprise_search", "enterprise_import"]
    return [
        *(reverse(f"web:{n}") for n in names),
        reverse("web:chain", args=[Chain.objects.order_by("pk").first().code]),
        reverse("web:event", args=[Event.objects.order_by("-date").first().pk]),
        reverse("web:project", args=[Project.objects.order_by("pk").first().pk]),
    ]


def test_main_pages_load_without_a_csp_violation(live_server, pages, browser_page):  # noqa: F811
    page = browser_page
    reports: list[str] = []
    page.on("console", lambda m: reports.append(m.text) if "Content Security" in m.text else None)
    page.add_init_script(f"({WATCH})()")
    sign_in(page, live_server.url)
    for url in pages:
        response = page.goto(f"{live_server.url}{url}")
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], url
    assert reports == []


def test_chart_tooltips_show_without_a_csp_violation(live_server, demo, browser_page):  # noqa: F811
    """ECharts builds its tooltips as HTML with style attributes (style-src-attr allows them)."""
    page = browser_page
    page.add_init_script(f"({WATCH})()")
    sign_in(page, live_server.url)
    chart = page.locator("[data-chart=units-bar]")
    chart.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('[data-chart=units-bar] canvas')")
    box = chart.bounding_box()
    for fraction in (0.3, 0.5, 0.7):
        page.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] * 0.6)
        page.wait_for_timeout(300)
    assert page.locator("[data-chart=units-bar] div:has-text('协议投资')").count() > 0
    assert page.evaluate("window.__violations") == []
