"""The /explore page, in real headless Chromium against the seeded demos.

The browser is Debian's `chromium` (scripts/test.sh installs it), driven by Playwright. The
page must draw what the GraphQL API says and load nothing from anywhere but its own origin.
"""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from service.api import explorer
from tests.helpers import REPO, Served

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and nothing of the browser's own that would reach out to the internet.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = REPO / "artifacts" / "explorer-huawei.png"
BUNDLE_PAGE = explorer.STATIC_DIR / explorer.PAGE

NETWORK_UNITS = 'query($firm: ID!) { firmNetwork(firm: $firm) { units { id role } } }'
SHORTEST_PATH = """query($from: ID!) { reverseTransferPaths(from: $from, first: 1) {
  totalCount edges { node { hops { unit { id } flow { id date } } } } } }"""


def data(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer["errors"]
    result: dict[str, Any] = answer["data"]
    return result


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's chromium, headless; missing is a failure in CI and a skip elsewhere."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if not BUNDLE_PAGE.is_file():
        pytest.fail("the explorer bundle is missing: run `npm ci && npm run build` in web/")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A page in a fresh browser context, with every request and console error it made."""

    def __init__(self, page: Page, server: Served) -> None:
        self.page = page
        self.server = server
        self.requests: list[str] = []
        self.problems: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: self.problems.append(f"console: {message.text}")
            if message.type == "error"
            else None,
        )

    def open_firm(self, firm: str) -> None:
        """Load /explore and pick a firm from the firm picker."""
        self.page.goto(f"{self.server.base}/explore")
        self.page.wait_for_selector("#network[data-status=ready]")
        self.page.select_option("#firm-select", firm)
        self.page.wait_for_selector(f"#network[data-status=ready][data-firm={firm}]")

    def network(self, attribute: str) -> str:
        value = self.page.get_attribute("#network", f"data-{attribute}")
        assert value is not None, f"#network has no data-{attribute}"
        return value

    def ids(self, selector: str) -> list[str]:
        """Ids of the drawn elements matching a cytoscape selector."""
        found: list[str] = self.page.evaluate(
            "(selector) => window.kflowExplorer.cy.$(selector).map((element) => element.id())",
            selector,
        )
        return found


@pytest.fixture
def visit(browser: Browser, server: Served) -> Iterator[Visit]:
    """A page on the served API; afterwards, it must have stayed on the server's own origin."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    opened = Visit(page, server)
    yield opened
    context.close()
    foreign = [url for url in opened.requests if not url.startswith(f"{server.base}/")]
    assert not foreign, f"the page reached beyond its origin: {foreign}"
    assert not opened.problems, opened.problems


def test_huawei_network_renders_and_a_clicked_subsidiary_lights_up_its_path(
    visit: Visit, server: Served
) -> None:
    units = data(server.graphql(NETWORK_UNITS, firm="huawei"))["firmNetwork"]["units"]
    shortest = data(server.graphql(SHORTEST_PATH, **{"from": "huawei-uk"}))
    hops = shortest["reverseTransferPaths"]["edges"][0]["node"]["hops"]

    visit.open_firm("huawei")
    assert sorted(visit.ids("node.unit")) == sorted(unit["id"] for unit in units)
    assert int(visit.network("unit-count")) == len(units)
    assert visit.page.locator("#unit-list button[data-unit-id]").count() == len(units)
    assert visit.ids("node.centre") == ["huawei-ccd"], "the capability centre is the hub"

    # Click the subsidiary where it is drawn on the canvas, as a user would.
    box = visit.page.locator("#network").bounding_box()
    assert box is not None
    where = visit.page.evaluate(
        "() => window.kflowExplorer.cy.getElementById('huawei-uk').renderedPosition()"
    )
    visit.page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    visit.page.wait_for_selector("#network[data-path-state=done]")

    assert visit.network("selected-unit") == "huawei-uk"
    assert visit.network("path-units").split(",") == [hop["unit"]["id"] for hop in hops]
    assert sorted(visit.ids("node.on-path")) == sorted(hop["unit"]["id"] for hop in hops)
    flow_ids = [hop["flow"]["id"] for hop in hops[1:]]
    assert visit.network("path-flows").split(",") == flow_ids
    lit_flows = visit.page.evaluate(
        "() => window.kflowExplorer.cy.$('edge.on-path').map((e) => e.data('flows').map((f) => f.id))"
    )
    assert all(any(flow in flows for flows in lit_flows) for flow in flow_ids)
    assert len(lit_flows) == len(flow_ids), "only the path's own edges are lit"
    hop_list = visit.page.locator("#hop-list li")
    assert hop_list.count() == len(hops)
    # Huawei's seeded flows carry no date; the page says so rather than inventing one.
    for hop, item in zip(hops[1:], hop_list.all()[1:], strict=True):
        assert (hop["flow"]["date"] or "undated") in item.inner_text()

    # Wait for the comparison below the network too, so the screenshot shows the whole page.
    visit.page.wait_for_selector("#compare[data-status=ready]")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    visit.page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_a_unit_is_selected_by_keyboard_alone(visit: Visit) -> None:
    visit.open_firm("zte")
    first_unit = visit.page.locator("#unit-list button[data-unit-id]").first
    first_unit.focus()
    visit.page.keyboard.press("End")
    focused = visit.page.evaluate("() => document.activeElement.dataset.unitId")
    outline = visit.page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "keyboard focus must be visible"
    visit.page.keyboard.press("Enter")
    visit.page.wait_for_function(
        "(unit) => document.querySelector('#network').dataset.selectedUnit === unit", arg=focused
    )

    # The drawing itself: arrows walk the units, Enter selects, Escape clears.
    visit.page.focus("#network")
    visit.page.keyboard.press("ArrowRight")
    visit.page.keyboard.press("ArrowRight")
    visit.page.keyboard.press("Enter")
    walked = visit.page.evaluate(
        "() => window.kflowExplorer.cy.nodes('.keyboard-focus').map((n) => n.id())"
    )
    assert len(walked) == 1
    visit.page.wait_for_function(
        "(unit) => document.querySelector('#network').dataset.selectedUnit === unit",
        arg=walked[0],
    )
    visit.page.keyboard.press("Escape")
    assert visit.network("selected-unit") == ""


def test_a_knowledge_items_circulation_steps_through_its_timeline(
    visit: Visit, server: Served
) -> None:
    knowledge = "huawei-uk-customer-feedback"
    timeline = data(
        server.graphql(
            """query($k: ID!) { circulation(knowledge: $k) { timeline {
              stage learning { source { id } unit { id } } flow { id } } } }""",
            k=knowledge,
        )
    )["circulation"]["timeline"]
    visit.open_firm("huawei")
    visit.page.click(f"#knowledge-list button[data-knowledge-id={knowledge}]")
    visit.page.wait_for_selector("#step-list")
    assert visit.page.locator("#step-list li").count() == len(timeline)
    visit.page.click("[data-action=play]")  # pause the autoplay; step by hand from here
    for _ in timeline:
        visit.page.click("[data-action=previous]")
    for index, step in enumerate(timeline):
        if index:
            visit.page.click("[data-action=next]")
        assert visit.network("circulation-step") == str(index)
        current = visit.ids(".circ-current")
        if step["learning"]:
            assert step["learning"]["source"]["id"] in current
            assert step["learning"]["unit"]["id"] in current
        if step["flow"]:
            flows = visit.page.evaluate(
                "() => window.kflowExplorer.cy.$('edge.circ-current')"
                ".map((e) => e.data('flows').map((f) => f.id)).flat()"
            )
            assert step["flow"]["id"] in flows
    assert visit.page.locator("#step-list li[aria-current=step]").count() == 1


def test_the_period_filter_dims_dated_flows_and_keeps_undated_ones(
    visit: Visit, server: Served
) -> None:
    # A dated flow of the test firm acme, so that the filter has something to dim.
    recorded = server.graphql(
        """mutation($input: FlowInput!) { recordFlow(input: $input) { __typename } }""",
        input={
            "id": "acme-explorer-dated-flow",
            "from": "acme-de",
            "to": "acme-europe",
            "direction": "UPWARD",
            "mode": "PLANNED",
            "date": "2019-05",
            "cite": {"paper": "FU2018", "where": "Figure 1"},
        },
    )
    assert data(recorded)["recordFlow"]["__typename"] == "FlowRecorded"
    dated_edge = "flows:acme-de>acme-europe:UPWARD"

    visit.open_firm("acme")
    assert dated_edge not in visit.ids("edge.time-out")
    visit.page.fill("#since", "2020")
    assert visit.ids("edge.time-out") == [dated_edge]
    assert "dimmed" in visit.page.inner_text("#legend-time")
    visit.page.fill("#since", "2019")
    visit.page.fill("#until", "2019")
    assert visit.ids("edge.time-out") == []

    # Huawei's flows are all undated: any period keeps them, and the legend says why.
    visit.page.select_option("#firm-select", "huawei")
    visit.page.wait_for_selector("#network[data-status=ready][data-firm=huawei]")
    visit.page.fill("#since", "2001")
    visit.page.fill("#until", "2001")
    assert visit.ids("edge.time-out") == []
    assert "undated" in visit.page.inner_text("#legend-time")
    # The timeline keeps the events the API's own period filter keeps, plus the undated ones.
    events = """query($since: String, $until: String) { integrationEvents(
      firm: "huawei", since: $since, until: $until, first: 100) { edges { node { date } } } }"""
    everything = data(server.graphql(events))["integrationEvents"]["edges"]
    in_2001 = data(server.graphql(events, since="2001", until="2001"))["integrationEvents"]
    undated = sum(1 for edge in everything if edge["node"]["date"] is None)
    assert visit.page.locator("#timeline .event").count() == len(everything)
    shown = len(everything) - visit.page.locator("#timeline .event.out-of-range").count()
    assert shown == len(in_2001["edges"]) + undated


def test_two_firms_side_by_side_show_their_hub_metrics(visit: Visit, server: Served) -> None:
    visit.open_firm("huawei")
    visit.page.click("button[data-pair='lenovo,tcl']")
    visit.page.wait_for_selector("#compare [data-firm=tcl]")
    visit.page.wait_for_selector("#compare[data-status=ready]")
    for firm in ("lenovo", "tcl"):
        metrics = data(
            server.graphql("query($f: ID!) { hubMetrics(firm: $f) { units { unit { id } } } }", f=firm)
        )["hubMetrics"]["units"]
        rows = visit.page.locator(f"#compare [data-firm={firm}] tbody tr[data-unit-id]")
        assert rows.count() == len(metrics)


async def test_without_a_built_bundle_the_page_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(explorer, "STATIC_DIR", tmp_path / "not-built")
    app = FastAPI()
    app.include_router(explorer.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client:
        page = await client.get("/explore")
        assert page.status_code == 503
        assert "npm ci && npm run build" in page.text
        assert (await client.get("/explore/assets/explorer.js")).status_code == 404


async def test_only_files_of_the_bundle_are_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "index.html").write_text("<!doctype html><title>x</title>")
    (bundle / "explorer.js").write_text("console.log(1)")
    (tmp_path / "secret.txt").write_text("not for the browser")
    monkeypatch.setattr(explorer, "STATIC_DIR", bundle)
    app = FastAPI()
    app.include_router(explorer.router)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as client:
        page = await client.get("/explore")
        assert page.status_code == 200
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert (await client.get("/explore/assets/explorer.js")).status_code == 200
        for name in ("..%2Fsecret.txt", "..", "index.html", "missing.js"):
            assert (await client.get(f"/explore/assets/{name}")).status_code == 404, name

