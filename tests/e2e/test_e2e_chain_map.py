"""A real browser opens a demo chain map, clicks a missing link on the graph and reads its panel;
a keyboard user opens another link from the link list beside the graph."""

import pytest

from chainvest.chains.diagnosis import diagnose_all
from tests.e2e.test_e2e_event_page import browser_page  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.e2e

# Where a link's node is drawn, in page pixels: the graph's own coordinates run through the
# chart's current zoom and pan (convertToPixel), offset by the chart's box.
NODE_POSITION = """(id) => {
  const el = document.querySelector("[data-chain-map]");
  const chart = echarts.getInstanceByDom(el);
  const data = chart.getOption().series[0].data;
  const node = data.find((n) => n.id === id);
  const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [node.x, node.y]);
  const box = el.getBoundingClientRect();
  return [box.left + x, box.top + y];
}"""


CHART_READY = (
    "() => window.echarts && echarts.getInstanceByDom(document.querySelector('[data-chain-map]'))"
)


@pytest.fixture
def demo_chain(demo):
    """The demo chain showing the most statuses, its first missing link and one other link.
    Read before the browser starts (see fourth_event in the event test)."""
    chains = [d for d in diagnose_all() if any(link.status == "missing" for link in d.links)]
    assert chains, "the demo has no missing link"
    chain = max(chains, key=lambda d: len({link.status for link in d.links}))
    missing = next(link for link in chain.links if link.status == "missing")
    other = next(link for link in reversed(chain.links) if link.link_id != missing.link_id)
    return {"chain": chain, "missing": missing, "other": other}


def sign_in(page, url: str) -> None:
    from django.conf import settings

    page.goto(f"{url}/login/")
    page.fill("input[name=username]", "analyst")
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")


def test_clicking_a_missing_link_on_the_graph_opens_its_panel(
    live_server,
    demo_chain,
    browser_page,  # noqa: F811
):
    page, chain, missing = browser_page, demo_chain["chain"], demo_chain["missing"]
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/chains/{chain.code}/")
    chart = page.locator("[data-chain-map]")
    chart.scroll_into_view_if_needed()
    page.wait_for_function(CHART_READY)
    page.wait_for_timeout(1500)  # the nodes grow in from nothing for about a second
    x, y = page.evaluate(NODE_POSITION, str(missing.link_id))
    page.mouse.click(x, y)

    panel = page.locator("[data-testid=link-panel]")
    panel.locator("[data-testid=link-status]").wait_for()
    assert panel.locator("[data-testid=link-status]").inner_text() == "缺失环节"
    assert missing.name in panel.locator("h3").inner_text()
    # The best targets load into the panel by htmx once it is open.
    panel.locator("[data-testid=best-targets] [data-testid=targets]").wait_for()
    assert "候选外地企业" in panel.locator("[data-testid=best-targets]").inner_text()
    assert page.url.endswith(f"?link={missing.link_id}")
    entry = page.locator(f'.link-list a[data-link-id="{missing.link_id}"]')
    assert entry.get_attribute("aria-current") == "true"


def test_keyboard_user_opens_a_link_from_the_list(live_server, demo_chain, browser_page):  # noqa: F811
    page, chain, other = browser_page, demo_chain["chain"], demo_chain["other"]
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/chains/{chain.code}/")
    page.locator(f'.link-list a[data-link-id="{other.link_id}"]').focus()
    page.keyboard.press("Enter")
    heading = page.locator("[data-testid=link-panel] h3")
    heading.wait_for()
    assert other.name in heading.inner_text()
