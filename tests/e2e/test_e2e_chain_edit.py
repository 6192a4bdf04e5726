"""A real browser edits a chain: 添加环节 brings a new row by htmx, and the saved link shows up
on the chain map."""

import shutil

import pytest

from chainvest.chains.loaders import load_chain_templates
from tests.chains.test_chains_templates import CHAIN_DIR
from tests.conftest import PASSWORD
from tests.e2e.test_e2e_event_page import browser_page  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.e2e


@pytest.fixture
def wind(cast, tmp_path) -> str:
    for name in ("clusters.yaml", "wind-power.yaml"):
        shutil.copy(CHAIN_DIR / name, tmp_path / name)
    load_chain_templates(tmp_path)
    return "wind-power"


def test_analyst_adds_a_link_row_by_htmx_and_saves_it(live_server, wind, browser_page):  # noqa: F811
    page, url = browser_page, live_server.url
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", "t_analyst")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    page.goto(f"{url}/chains/{wind}/")
    page.click("text=编辑")
    rows = page.locator("[data-link-row]")
    before = rows.count()
    page.click("text=添加环节")
    rows.nth(before).wait_for()  # a locator wait: the CSP forbids the eval of a string predicate
    row = rows.last
    row.locator("input[name$='-code']").fill("tower-flanges")
    row.locator("input[name$='-name']").fill("塔筒法兰")
    row.locator("select[name$='-stage']").select_option("upstream")
    row.locator("input[name$='-parent']").fill("towers")
    row.locator("textarea[name$='-products']").fill("法兰")
    row.locator("textarea[name$='-keywords']").fill("法兰制造")
    page.click("[data-testid=chain-edit] button[type=submit]")
    page.wait_for_url(f"{url}/chains/{wind}/")
    assert page.locator("text=已保存产业链的修改").is_visible()
    assert page.locator(".link-list >> text=塔筒法兰").count() == 1
