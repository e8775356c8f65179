"""The /explore page, in real headless Chromium against the seeded demos.

The browser is Debian's `chromium` (scripts/test.sh installs it), driven by Playwright. The
page must draw what the GraphQL API says and load nothing from anywhere but its own origin.
"""

import contextlib
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from playwright.async_api import Browser, Page, Route, async_playwright

from service.api import explorer, graphiql
from tests.helpers import REPO, Served, generated_server

pytestmark = pytest.mark.e2e

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

NETWORK_UNITS = "query($firm: ID!) { firmNetwork(firm: $firm) { units { id role } } }"
SHORTEST_PATH = """query($from: ID!) { reverseTransferPaths(from: $from, first: 1) {
  totalCount edges { node { hops { unit { id } flow { id date } } } } } }"""


def data(answer: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in answer, answer["errors"]
    result: dict[str, Any] = answer["data"]
    return result


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's chromium, headless; missing is a failure in CI and a skip elsewhere."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium package"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if not BUNDLE_PAGE.is_file():
        pytest.fail("the explorer bundle is missing: run `npm ci && npm run build` in web/")
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        await chromium.close()


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
            lambda message: (
                self.problems.append(f"console: {message.text}")
                if message.type == "error"
                else None
            ),
        )

    async def open_firm(self, firm: str) -> None:
        """Load /explore and pick a firm from the firm picker."""
        await self.page.goto(f"{self.server.base}/explore")
        await self.page.wait_for_selector("#network[data-status=ready]")
        await self.page.select_option("#firm-select", firm)
        await self.page.wait_for_selector(f"#network[data-status=ready][data-firm={firm}]")

    async def network(self, attribute: str) -> str:
        """A data attribute the page publishes on the network element."""
        value = await self.page.get_attribute("#network", f"data-{attribute}")
        assert value is not None, f"#network has no data-{attribute}"
        return value

    async def ids(self, selector: str) -> list[str]:
        """Ids of the drawn elements matching a cytoscape selector."""
        found: list[str] = await self.page.evaluate(
            "(selector) => window.kflowExplorer.cy.$(selector).map((element) => element.id())",
            selector,
        )
        return found


@contextlib.asynccontextmanager
async def visiting(browser: Browser, server: Served) -> AsyncIterator[Visit]:
    """A page on the served API; afterwards, it must have stayed on the server's own origin."""
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(15_000)
    opened = Visit(page, server)
    yield opened
    await context.close()
    foreign = [url for url in opened.requests if not url.startswith(f"{server.base}/")]
    assert not foreign, f"the page reached beyond its origin: {foreign}"
    assert not opened.problems, opened.problems


@pytest_asyncio.fixture(loop_scope="session")
async def visit(browser: Browser, server: Served) -> AsyncIterator[Visit]:
    """A page on the shared server with the seeded demos."""
    async with visiting(browser, server) as opened:
        yield opened


async def test_huawei_network_renders_and_a_clicked_subsidiary_lights_up_its_path(
    visit: Visit, server: Served
) -> None:
    units = data(server.graphql(NETWORK_UNITS, firm="huawei"))["firmNetwork"]["units"]
    shortest = data(server.graphql(SHORTEST_PATH, **{"from": "huawei-uk"}))
    hops = shortest["reverseTransferPaths"]["edges"][0]["node"]["hops"]

    await visit.open_firm("huawei")
    assert sorted(await visit.ids("node.unit")) == sorted(unit["id"] for unit in units)
    assert int(await visit.network("unit-count")) == len(units)
    assert await visit.page.locator("#unit-list button[data-unit-id]").count() == len(units)
    assert await visit.ids("node.centre") == ["huawei-ccd"], "the capability centre is the hub"

    # Click the subsidiary where it is drawn on the canvas, as a user would.
    box = await visit.page.locator("#network").bounding_box()
    assert box is not None
    where = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.getElementById('huawei-uk').renderedPosition()"
    )
    await visit.page.mouse.click(box["x"] + where["x"], box["y"] + where["y"])
    await visit.page.wait_for_selector("#network[data-path-state=done]")

    assert await visit.network("selected-unit") == "huawei-uk"
    assert (await visit.network("path-units")).split(",") == [hop["unit"]["id"] for hop in hops]
    assert sorted(await visit.ids("node.on-path")) == sorted(hop["unit"]["id"] for hop in hops)
    flow_ids = [hop["flow"]["id"] for hop in hops[1:]]
    assert (await visit.network("path-flows")).split(",") == flow_ids
    lit_flows = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.$('edge.on-path')"
        ".map((edge) => edge.data('flows').map((flow) => flow.id))"
    )
    assert all(any(flow in flows for flows in lit_flows) for flow in flow_ids)
    assert len(lit_flows) == len(flow_ids), "only the path's own edges are lit"
    hop_texts = await visit.page.locator("#hop-list li").all_inner_texts()
    assert len(hop_texts) == len(hops)
    # Huawei's seeded flows carry no date; the page says so rather than inventing one.
    for hop, text in zip(hops[1:], hop_texts[1:], strict=True):
        assert (hop["flow"]["date"] or "undated") in text

    # Wait for the comparison below the network too, so the screenshot shows the whole page.
    await visit.page.wait_for_selector("#compare[data-status=ready]")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    await visit.page.screenshot(path=str(SCREENSHOT), full_page=True)


async def test_a_unit_is_selected_by_keyboard_alone(visit: Visit) -> None:
    await visit.open_firm("zte")
    first_unit = visit.page.locator("#unit-list button[data-unit-id]").first
    await first_unit.focus()
    await visit.page.keyboard.press("End")
    focused = await visit.page.evaluate("() => document.activeElement.dataset.unitId")
    outline = await visit.page.evaluate(
        "() => getComputedStyle(document.activeElement).outlineStyle"
    )
    assert outline != "none", "keyboard focus must be visible"
    await visit.page.keyboard.press("Enter")
    await visit.page.wait_for_function(
        "(unit) => document.querySelector('#network').dataset.selectedUnit === unit", arg=focused
    )

    # The drawing itself: arrows walk the units, Enter selects, Escape clears.
    await visit.page.focus("#network")
    await visit.page.keyboard.press("ArrowRight")
    await visit.page.keyboard.press("ArrowRight")
    await visit.page.keyboard.press("Enter")
    walked = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.nodes('.keyboard-focus').map((n) => n.id())"
    )
    assert len(walked) == 1
    await visit.page.wait_for_function(
        "(unit) => document.querySelector('#network').dataset.selectedUnit === unit",
        arg=walked[0],
    )
    await visit.page.keyboard.press("Escape")
    assert await visit.network("selected-unit") == ""


async def test_a_knowledge_items_circulation_steps_through_its_timeline(
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
    await visit.open_firm("huawei")
    await visit.page.click(f"#knowledge-list button[data-knowledge-id={knowledge}]")
    await visit.page.wait_for_selector("#step-list")
    assert await visit.page.locator("#step-list li").count() == len(timeline)
    for _ in timeline:
        await visit.page.click("[data-action=previous]")
    for index, step in enumerate(timeline):
        if index:
            await visit.page.click("[data-action=next]")
        assert await visit.network("circulation-step") == str(index)
        current = await visit.ids(".circ-current")
        if step["learning"]:
            assert step["learning"]["source"]["id"] in current
            assert step["learning"]["unit"]["id"] in current
        if step["flow"]:
            flows = await visit.page.evaluate(
                "() => window.kflowExplorer.cy.$('edge.circ-current')"
                ".map((e) => e.data('flows').map((f) => f.id)).flat()"
            )
            assert step["flow"]["id"] in flows
    assert await visit.page.locator("#step-list li[aria-current=step]").count() == 1


async def test_the_period_filter_dims_dated_flows_and_keeps_undated_ones(
    visit: Visit, server: Served
) -> None:
    # Every seeded flow is undated, so give one of Huawei's flows a date on its way to the page
    # (the shared server's graph stays as seeded).
    dated_flow, dated_edge = "huawei-uk-strategy-ideas-to-hq", "flows:huawei-uk>huawei-hq:UPWARD"

    async def date_one_flow(route: Route) -> None:
        answer = await route.fetch()
        body = await answer.json()
        network = (body.get("data") or {}).get("firmNetwork")
        for link in network["links"] if network else []:
            for flow in link["flows"]:
                if flow["id"] == dated_flow:
                    flow["date"] = "2019-05"
        await route.fulfill(response=answer, json=body)

    await visit.page.route("**/graphql", date_one_flow)
    await visit.open_firm("huawei")
    flow_edges = await visit.ids("edge.flow")
    assert dated_edge in flow_edges
    assert await visit.ids("edge.time-out") == []

    await visit.page.fill("#since", "2020")
    assert await visit.ids("edge.time-out") == [dated_edge]
    links = data(server.graphql('{ firmNetwork(firm: "huawei") { links { volume } } }'))
    flows = sum(link["volume"] for link in links["firmNetwork"]["links"])
    note = await visit.page.inner_text("#legend-time")
    assert f"{flows - 1} of {flows} flows are undated and shown whatever the period" in note
    assert "1 dated flow is outside the period and dimmed" in note
    await visit.page.fill("#since", "2019")
    await visit.page.fill("#until", "2019")
    assert await visit.ids("edge.time-out") == []

    # The timeline keeps the events the API's own period filter keeps, plus the undated ones.
    await visit.page.fill("#since", "2001")
    await visit.page.fill("#until", "2001")
    events = """query($since: PartialDate, $until: PartialDate) { integrationEvents(
      firm: "huawei", since: $since, until: $until, first: 100) { edges { node { date } } } }"""
    everything = data(server.graphql(events))["integrationEvents"]["edges"]
    in_2001 = data(server.graphql(events, since="2001", until="2001"))["integrationEvents"]
    undated = sum(1 for edge in everything if edge["node"]["date"] is None)
    assert await visit.page.locator("#timeline .event").count() == len(everything)
    outside = await visit.page.locator("#timeline .event.out-of-range").count()
    assert len(everything) - outside == len(in_2001["edges"]) + undated


async def test_two_firms_side_by_side_show_their_hub_metrics(visit: Visit, server: Served) -> None:
    await visit.open_firm("huawei")
    await visit.page.click("button[data-pair='lenovo,tcl']")
    await visit.page.wait_for_selector("#compare [data-firm=tcl]")
    await visit.page.wait_for_selector("#compare[data-status=ready]")
    for firm in ("lenovo", "tcl"):
        metrics = data(
            server.graphql(
                "query($f: ID!) { hubMetrics(firm: $f) { units(first: 100) { totalCount } } }",
                f=firm,
            )
        )["hubMetrics"]["units"]["totalCount"]
        rows = visit.page.locator(f"#compare [data-firm={firm}] tbody tr[data-unit-id]")
        assert await rows.count() == metrics


async def test_a_firms_customer_managers_and_an_events_roles_are_shown(
    visit: Visit, server: Served
) -> None:
    await visit.open_firm("senn-specialty-chemicals")
    managed = data(
        server.graphql(
            '{ customerManagement(firm: "senn-specialty-chemicals") { id perspective } }'
        )
    )["customerManagement"]
    items = visit.page.locator("#customers [data-customer-management]")
    assert await items.count() == len(managed) == 2
    group = visit.page.locator(
        "#customers [data-customer-management=senn-chemicals-group-account-manager]"
    )
    assert "network perspective" in (await group.inner_text()).lower()
    assert "Risk focus" in await group.inner_text()
    # A firm without customer-management records shows no such panel.
    await visit.open_firm("zte")
    assert await visit.page.locator("#customers-panel").is_hidden()
    # An event's roles (Table 5) are named in its details.
    await visit.page.locator("#timeline .event").first.click()
    details = await visit.page.locator("#details-body").inner_text()
    assert "Roles:" in details and "coordinated by ZTE headquarters" in details


def explorer_client() -> httpx.AsyncClient:
    """The explorer's routes alone, without a store behind them."""
    app = FastAPI()
    app.include_router(explorer.router)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://explorer")


async def test_without_a_built_bundle_the_page_says_how_to_build_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(explorer, "STATIC_DIR", tmp_path / "not-built")
    async with explorer_client() as client:
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
    async with explorer_client() as client:
        page = await client.get("/explore")
        assert page.status_code == 200
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert (await client.get("/explore/assets/explorer.js")).status_code == 200
        for name in ("..%2Fsecret.txt", "%2e%2e%2fsecret.txt", "index.html", "missing.js"):
            assert (await client.get(f"/explore/assets/{name}")).status_code == 404, name


README_EXAMPLES = re.findall(r"```graphql\n(.*?)```", (REPO / "README.md").read_text(), re.S)


async def test_graphiql_works_offline_with_the_readme_examples_as_tabs(visit: Visit) -> None:
    assert graphiql.STATIC_DIR.joinpath(graphiql.PAGE).is_file(), "run npm run build in web/"
    page = visit.page
    await page.goto(f"{visit.server.base}/graphql")
    await page.wait_for_selector(".graphiql-container")
    tabs = page.locator(".graphiql-tab")
    assert len(README_EXAMPLES) >= 3 and await tabs.count() == len(README_EXAMPLES)
    await tabs.first.click()
    await page.locator(".graphiql-execute-button").click()
    result = page.locator(".result-window")
    await result.get_by_text('"Huawei UK"').first.wait_for()
    assert '"flowsOut"' in await result.inner_text()
    # The visit fixture checks afterwards that nothing was loaded from beyond the server.


TRAIL_PATHS = """query($from: ID!) { reverseTransferPaths(from: $from, first: 1) {
  edges { node { hops { unit { id } flow { knowledge { id } } } } } } }"""


def trail_kind(hops: list[dict[str, Any]]) -> str:
    """What the page must say of a path: one item all the way, a change of item, or unknown."""
    carried = [hop["flow"]["knowledge"] for hop in hops[1:]]
    if any(item is None for item in carried):
        return "unknown"
    return "one-item" if len({item["id"] for item in carried}) == 1 else "changes"


async def label_boxes(visit: Visit, selector: str) -> list[dict[str, Any]]:
    """The drawn labels' boxes (model coordinates) of the elements a selector matches."""
    boxes: list[dict[str, Any]] = await visit.page.evaluate(
        """(selector) => window.kflowExplorer.cy.$(selector).map((n) => ({id: n.id(), ...n
             .boundingBox({includeNodes: false, includeEdges: false, includeLabels: true})}))""",
        selector,
    )
    return boxes


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [
        (a["id"], b["id"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x1"] < b["x2"] and b["x1"] < a["x2"] and a["y1"] < b["y2"] and b["y1"] < a["y2"]
    ]


@pytest.mark.parametrize("firm", ["huawei", "zte", "lenovo"])
async def test_flow_labels_show_on_hover_only_and_spoke_edges_pass_outside_the_hubs(
    visit: Visit, firm: str
) -> None:
    await visit.open_firm(firm)
    labelled = "() => window.kflowExplorer.cy.$('edge.flow').filter((e) => e.style('label')).length"
    assert await visit.page.evaluate(labelled) == 0, "no flow label at rest"
    assert overlapping(await label_boxes(visit, "node.unit")) == []

    # Hover the first flow edge where it is drawn: its count shows, and only its own.
    box = await visit.page.locator("#network").bounding_box()
    assert box is not None
    # The first edge whose middle no node or other edge covers, where a user would point.
    edge = await visit.page.evaluate(
        """() => { const cy = window.kflowExplorer.cy;
          const free = (e) => { const m = e.midpoint(); const hit = (x) => x.id() !== e.id()
            && x.boundingBox().x1 < m.x && m.x < x.boundingBox().x2
            && x.boundingBox().y1 < m.y && m.y < x.boundingBox().y2;
            return !cy.nodes().some(hit) && !cy.edges().some((x) => hit(x)
              && Math.hypot(x.midpoint().x - m.x, x.midpoint().y - m.y) < 30); };
          const e = cy.$('edge.flow').filter(free)[0];
          return {id: e.id(), at: e.renderedMidpoint(), volume: e.data('volume')}; }"""
    )
    await visit.page.mouse.move(box["x"] + edge["at"]["x"], box["y"] + edge["at"]["y"])
    await visit.page.wait_for_function(
        "(id) => window.kflowExplorer.cy.getElementById(id).hasClass('hovered')", arg=edge["id"]
    )
    shown = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.$('edge.flow').filter((e) => e.style('label'))"
        ".map((e) => [e.id(), e.style('label')])"
    )
    assert shown == [[edge["id"], f"{edge['volume']} flow{'' if edge['volume'] == 1 else 's'}"]]

    # Levels apart: an edge between two units off the centre never runs inside the hub ring.
    geometry = await visit.page.evaluate(
        """() => { const cy = window.kflowExplorer.cy; const centre = cy.$('node.centre');
          const c = centre.position(); const far = (p) => Math.hypot(p.x - c.x, p.y - c.y);
          const hubs = cy.$('node.role-REGIONAL_HQ').map((n) => far(n.position()));
          const edges = cy.$('edge.flow').filter((e) => !e.connectedNodes().anySame(centre))
            .map((e) => ({id: e.id(), mid: far(e.midpoint())}));
          return {hubs, edges}; }"""
    )
    if geometry["hubs"]:
        ring = min(geometry["hubs"])
        inside = [edge["id"] for edge in geometry["edges"] if edge["mid"] < 0.8 * ring]
        assert inside == [], f"edges through the hub ring: {inside}"


async def test_every_view_change_refreshes_the_sidebar(visit: Visit) -> None:
    await visit.open_firm("huawei")
    await visit.page.click("#unit-list button[data-unit-id=huawei-uk]")
    await visit.page.wait_for_selector("#network[data-path-state=done]")
    assert "Huawei UK" in await visit.page.inner_text("#details-body")
    assert await visit.page.locator("#hop-list li").count() > 0

    # A knowledge item: the unit's paths go; only the circulation shows.
    knowledge = "huawei-uk-customer-feedback"
    await visit.page.click(f"#knowledge-list button[data-knowledge-id={knowledge}]")
    await visit.page.wait_for_selector("#step-list")
    details = await visit.page.inner_text("#details-body")
    assert "Huawei UK" not in details and "path" not in details
    assert await visit.page.locator("#hop-list").count() == 0
    assert await visit.page.locator("#unit-list [aria-pressed=true]").count() == 0
    assert await visit.network("path-units") == ""

    # Another firm: nothing of Huawei's stays, while it loads or after.
    await visit.page.select_option("#firm-select", "zte")
    assert "Huawei" not in await visit.page.inner_text("#details-body")
    await visit.page.wait_for_selector("#network[data-status=ready][data-firm=zte]")
    assert await visit.page.is_hidden("#circulation")
    assert await visit.page.locator("#step-list").count() == 0
    assert await visit.page.locator("aside [aria-pressed=true]").count() == 0
    assert await visit.ids(".on-path, .circ-seen, .faded") == []
    assert "Nothing selected" in await visit.page.inner_text("#details-body")
    assert await visit.network("view") == "firm:zte"


async def test_the_circulation_waits_for_the_reader_to_start_pause_and_step(
    visit: Visit,
) -> None:
    await visit.open_firm("huawei")
    await visit.page.click("#knowledge-list button[data-knowledge-id=huawei-uk-customer-feedback]")
    await visit.page.wait_for_selector("#step-list")
    steps = await visit.page.locator("#step-list li").count()
    assert steps >= 3
    # Longer than one step's pause: an autoplay would have moved on by now.
    await visit.page.wait_for_timeout(1800)
    assert await visit.network("circulation-step") == "0"
    assert await visit.network("circulation-playing") == "false"
    await visit.page.click("[data-action=next]")
    assert await visit.network("circulation-step") == "1"
    await visit.page.click("[data-action=previous]")
    assert await visit.network("circulation-step") == "0"
    await visit.page.click("[data-action=play]")
    assert await visit.page.inner_text("[data-action=play]") == "Pause"
    await visit.page.wait_for_selector("#network[data-circulation-step='1']")
    await visit.page.click("[data-action=play]")  # pause before the last step
    paused_at = await visit.network("circulation-step")
    assert await visit.network("circulation-playing") == "false"
    await visit.page.wait_for_timeout(1800)
    assert await visit.network("circulation-step") == paused_at


async def test_the_period_filter_counts_undated_facts_and_can_leave_them_out(
    visit: Visit, server: Served
) -> None:
    links = data(server.graphql('{ firmNetwork(firm: "huawei") { links { flows { date } } } }'))
    dates = [flow["date"] for link in links["firmNetwork"]["links"] for flow in link["flows"]]
    undated = dates.count(None)
    assert undated == len(dates), "the demo's flows are undated; the note below says so"
    await visit.open_firm("huawei")
    note = await visit.page.inner_text("#legend-time")
    assert f"All {undated} flows are undated" in note and "shown" in note
    assert f"({undated} flows" in await visit.page.inner_text("#undated-count")
    assert await visit.ids("edge.time-out") == []

    await visit.page.uncheck("#include-undated")
    flow_edges = await visit.ids("edge.flow")
    assert sorted(await visit.ids("edge.time-out")) == sorted(flow_edges)
    assert "hidden" in await visit.page.inner_text("#legend-time")
    undated_events = await visit.page.evaluate(
        "() => window.kflowExplorer.state.events.filter((e) => !e.date).length"
    )
    assert await visit.page.locator("#timeline .event.out-of-range").count() == undated_events
    await visit.page.check("#include-undated")
    assert await visit.ids("edge.time-out") == []


async def test_a_reverse_path_says_whether_it_carries_one_item_or_changes_item(
    visit: Visit, server: Served
) -> None:
    firms = [firm["id"] for firm in data(server.graphql("{ firms { id } }"))["firms"]]
    examples: dict[str, tuple[str, str]] = {}
    for firm in firms:
        if {"one-item", "unknown"} <= set(examples):
            break
        for unit in data(server.graphql(NETWORK_UNITS, firm=firm))["firmNetwork"]["units"]:
            edges = data(server.graphql(TRAIL_PATHS, **{"from": unit["id"]}))[
                "reverseTransferPaths"
            ]["edges"]
            if edges and len(edges[0]["node"]["hops"]) > 2:
                examples.setdefault(trail_kind(edges[0]["node"]["hops"]), (firm, unit["id"]))
    assert {"one-item", "unknown"} <= set(examples), examples
    expected = {
        "one-item": "One knowledge item all the way",
        "changes": "changes on the way",
        "unknown": "do not name the knowledge",
    }
    for kind, (firm, unit) in sorted(examples.items()):
        await visit.open_firm(firm)
        await visit.page.click(f"#unit-list button[data-unit-id='{unit}']")
        await visit.page.wait_for_selector("#network[data-path-state=done]")
        assert await visit.network("path-trail") == kind, unit
        assert expected[kind] in await visit.page.inner_text("#path-trail")

    # The demos hold no multi-hop path whose item changes, so the one-item path's last hop is
    # given another item on its way to the page.
    firm, unit = examples["one-item"]

    async def change_last_item(route: Route) -> None:
        answer = await route.fetch()
        body = await answer.json()
        page = (body.get("data") or {}).get("reverseTransferPaths")
        for edge in page["edges"] if page else []:
            edge["node"]["hops"][-1]["flow"]["knowledge"] = {"id": "other", "name": "Other item"}
        await route.fulfill(response=answer, json=body)

    await visit.page.route("**/graphql", change_last_item)
    await visit.open_firm(firm)
    await visit.page.click(f"#unit-list button[data-unit-id='{unit}']")
    await visit.page.wait_for_selector("#network[data-path-state=done]")
    assert await visit.network("path-trail") == "changes"
    text = await visit.page.inner_text("#path-trail")
    assert expected["changes"] in text and "becomes “Other item”" in text


# Large enough that the firm cannot be drawn whole (firmNetwork refuses past 2,000 units),
# small enough to generate in seconds; `kflow generate` (10,000 units) was tried by hand.
LARGE_FIRM = ["--subsidiaries", "3000", "--hubs", "12", "--flows", "20000"]
LARGE_FIRM += ["--learning", "500", "--integrations", "500"]
OVERVIEW = """query($firm: ID!) { firmOverview(firm: $firm, perGroup: 1) {
  unitCount upper { id } groups { hub { id } units } } }"""


@pytest.fixture(scope="module")
def large_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`kflow serve` on a synthetic firm of 3,000 subsidiaries, and nothing else."""
    yield from generated_server(tmp_path_factory, "synth", LARGE_FIRM)


async def drawn_fonts(visit: Visit) -> list[float]:
    """The rendered font size of every drawn node label, in screen pixels."""
    sizes: list[float] = await visit.page.evaluate(
        """() => { const cy = window.kflowExplorer.cy;
          return cy.nodes(':visible').map((n) => parseFloat(n.style('font-size')) * cy.zoom()); }"""
    )
    return sizes


async def test_a_large_firm_opens_in_counted_groups_and_a_group_opens_on_click(
    browser: Browser, large_server: Served
) -> None:
    overview = data(large_server.graphql(OVERVIEW, firm="synth"))["firmOverview"]
    context = await browser.new_context(viewport={"width": 1440, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(30_000)
    visit = Visit(page, large_server)
    await page.goto(f"{large_server.base}/explore#firm=synth")
    await page.wait_for_selector("#network[data-status=ready][data-firm=synth]")
    assert await visit.network("mode") == "aggregated"
    budget = int(await visit.network("budget"))
    upper = sorted(unit["id"] for unit in overview["upper"])
    assert sorted(await visit.ids("node")) == upper, "the upper levels only, every group counted"
    assert len(upper) <= budget
    groups = {group["hub"]["id"]: group["units"] for group in overview["groups"]}

    async def label(node_id: str) -> str:
        text: str = await page.evaluate(
            "(id) => window.kflowExplorer.cy.getElementById(id).data('label')", node_id
        )
        return text

    for hub, units in groups.items():
        assert f": {units:,} subsidiaries" in await label(hub)
    hidden = overview["unitCount"] - len(upper)
    assert int(await visit.network("hidden-units")) == hidden
    assert f"{hidden:,} subsidiaries are counted in {len(groups)} groups" in await page.inner_text(
        "#status"
    )
    assert min(await drawn_fonts(visit)) >= 6, "labels stay readable"
    assert overlapping(await label_boxes(visit, "node")) == []
    page_height = await page.evaluate("() => document.documentElement.scrollHeight")
    assert page_height < 4000, f"the page is {page_height} px tall"
    print(f"\nlarge firm: drawn in {await visit.network('render-ms')} ms")

    # Click a hub where it is drawn: its busiest subsidiaries appear, the rest counted.
    hub = sorted(groups)[0]

    async def click(node_id: str) -> None:
        # The details beside the drawing change after each click, which can move and resize
        # the drawing (and refit it) some frames later, and a busy machine draws slowly: click
        # where the node is once it has held still for eight frames with nothing animating.
        where = await page.evaluate(
            """async (id) => {
                const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
                const at = () => {
                    const box = document.getElementById("network").getBoundingClientRect();
                    const p = window.kflowExplorer.cy.getElementById(id).renderedPosition();
                    return { x: box.x + p.x, y: box.y + p.y };
                };
                const cy = window.kflowExplorer.cy;
                let last = at();
                let still = 0;
                for (let i = 0; i < 120 && still < 8; i += 1) {
                    await frame();
                    const now = at();
                    const moving = cy.nodes().some((n) => n.animated());
                    still = !moving && now.x === last.x && now.y === last.y ? still + 1 : 0;
                    last = now;
                }
                return last;
            }""",
            node_id,
        )
        await page.mouse.click(where["x"], where["y"])

    await click(hub)
    await page.wait_for_selector(f"#network[data-expanded='{hub}']")
    members = await page.evaluate(
        "(hub) => window.kflowExplorer.cy.nodes('.unit').filter((n) => "
        "n.data('role') !== 'GROUP' && n.edgesTo(n.cy().getElementById(hub)).length).length",
        hub,
    )
    assert 0 < members < groups[hub]
    assert len(await visit.ids("node")) <= max(budget, len(upper) + 2)
    assert int(await visit.network("hidden-units")) == hidden - members
    assert await label(f"group:{hub}") == f"+{groups[hub] - members:,} more of {groups[hub]:,}"
    assert overlapping(await label_boxes(visit, "node")) == []

    # Click it again: folded back into its count.
    await click(hub)
    await page.wait_for_selector("#network[data-expanded='']")
    assert int(await visit.network("hidden-units")) == hidden
    assert sorted(await visit.ids("node")) == upper
    await context.close()
    assert not visit.problems, visit.problems


async def test_a_units_reports_fold_into_it_and_expand_again(visit: Visit, server: Served) -> None:
    units = data(
        server.graphql(
            "query($firm: ID!) { firmNetwork(firm: $firm) { units { id reportsTo { id } } } }",
            firm="huawei",
        )
    )["firmNetwork"]["units"]
    below = {unit["id"] for unit in units if (unit["reportsTo"] or {}).get("id") == "huawei-rhq"}
    assert below
    await visit.open_firm("huawei")
    await visit.page.click("#unit-list button[data-unit-id=huawei-rhq]")
    await visit.page.wait_for_selector("#network[data-path-state=done]")
    await visit.page.click("#fold-toggle")
    await visit.page.wait_for_selector("#network[data-folded^='huawei-rhq:']")
    visible = set(await visit.ids("node.unit:visible"))
    assert visible == {unit["id"] for unit in units} - below
    assert await visit.network("folded") == f"huawei-rhq:{len(below)}"
    label = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.getElementById('huawei-rhq').data('label')"
    )
    assert label.endswith(f"(+{len(below)} folded)")
    listed = await visit.page.locator("#unit-list button[data-unit-id]").count()
    assert listed == len(units) - len(below)
    await visit.page.click("#fold-toggle")
    await visit.page.wait_for_selector("#network[data-folded='']")
    assert set(await visit.ids("node.unit:visible")) == {unit["id"] for unit in units}


RELEASE = """query($unit: ID!) { releaseImpact(unit: $unit) {
  cutOffIds lostKnowledge { id } } }"""


async def test_what_if_released_greys_the_units_a_hub_would_cut_off(
    visit: Visit, server: Served
) -> None:
    impact = data(server.graphql(RELEASE, unit="huawei-rhq"))["releaseImpact"]
    assert len(impact["cutOffIds"]) >= 2, "the regional hub must cut some units off"

    await visit.open_firm("huawei")
    await visit.page.click("#unit-list button[data-unit-id=huawei-rhq]")
    await visit.page.click("#release-toggle")
    await visit.page.wait_for_selector("#network[data-release-state=done]")

    assert (await visit.network("cut-off")).split(",") == impact["cutOffIds"]
    assert sorted(await visit.ids("node.cut-off")) == sorted(impact["cutOffIds"])
    assert await visit.ids("node.released") == ["huawei-rhq"]
    greyed = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.$('node.cut-off').map((n) => n.style('background-color'))"
    )
    kept = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.$('node.unit').not('.cut-off')"
        ".map((n) => n.style('background-color'))"
    )
    assert set(greyed) == {"rgb(201,204,209)"} and "rgb(201,204,209)" not in kept
    listed = await visit.page.locator("#details-body .cut-off-list li").evaluate_all(
        "(items) => items.map((item) => item.dataset.unitId)"
    )
    assert listed == impact["cutOffIds"]
    lost = await visit.page.locator("#details-body .lost-knowledge li").evaluate_all(
        "(items) => items.map((item) => item.dataset.knowledgeId)"
    )
    assert lost == [item["id"] for item in impact["lostKnowledge"]] and lost
    assert "Fu, Sun & Ghauri (2018), Table 3" in await visit.page.inner_text("#details-body")

    # A subsidiary cuts no one off; choosing another view clears the greying.
    await visit.page.click("#unit-list button[data-unit-id=huawei-uk]")
    assert await visit.ids("node.cut-off") == []
    await visit.page.click("#release-toggle")
    await visit.page.wait_for_selector("#network[data-release-state=done]")
    assert await visit.network("cut-off") == ""
    assert await visit.ids("node.released") == ["huawei-uk"]


DATED_FIRM = ["--hubs", "2", "--subsidiaries", "14", "--flows", "120", "--learning", "20"]
DATED_FIRM += ["--integrations", "6"]
AS_OF_NETWORK = """query($asOf: PartialDate) { firmNetwork(firm: "dated", asOf: $asOf) {
  undatedExcluded links { flows { id date } } } }"""


@pytest.fixture(scope="module")
def dated_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`kflow serve` on a small synthetic firm whose flows are dated (the seeds' are not)."""
    yield from generated_server(tmp_path_factory, "dated", DATED_FIRM)


async def test_the_date_slider_draws_the_network_as_of_a_year(
    browser: Browser, dated_server: Served
) -> None:
    async with visiting(browser, dated_server) as visit:
        await check_the_date_slider(visit, dated_server)


async def check_the_date_slider(visit: Visit, server: Served) -> None:
    await visit.open_firm("dated")
    slider = visit.page.locator("#as-of")
    assert await slider.is_enabled()
    first, now = int(await slider.get_attribute("min") or 0), await slider.get_attribute("max")
    whole = data(server.graphql(AS_OF_NETWORK))["firmNetwork"]
    years = sorted(
        {int(f["date"][:4]) for link in whole["links"] for f in link["flows"] if f["date"]}
    )
    assert len(years) >= 2, "the firm needs flows dated in two years for this test"
    year = years[len(years) // 2 - 1]
    then = data(server.graphql(AS_OF_NETWORK, asOf=str(year)))["firmNetwork"]
    expected = sorted(f["id"] for link in then["links"] for f in link["flows"])
    assert 0 < len(expected) < sum(len(link["flows"]) for link in whole["links"])

    # Keyboard, as a user would: Home goes to the first year, arrows step a year at a time.
    await slider.focus()
    await visit.page.keyboard.press("Home")
    for _ in range(year - first):
        await visit.page.keyboard.press("ArrowRight")
    await visit.page.wait_for_selector(f"#network[data-status=ready][data-as-of='{year}']")
    drawn = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.$('edge.flow')"
        ".map((edge) => edge.data('flows').map((flow) => flow.id)).flat()"
    )
    assert sorted(drawn) == expected
    assert int(await visit.network("undated-excluded")) == then["undatedExcluded"]
    assert await visit.page.inner_text("#as-of-value") == str(year)
    note = await visit.page.inner_text("#as-of-note")
    assert f"{then['undatedExcluded']} undated flows and learning events are left out" in note

    # The slider's top end is now: every fact again, dated or not.
    await visit.page.keyboard.press("End")
    await visit.page.wait_for_selector("#network[data-status=ready][data-as-of='']")
    every = await visit.page.evaluate(
        "() => window.kflowExplorer.cy.$('edge.flow')"
        ".map((edge) => edge.data('flows').length).reduce((a, b) => a + b, 0)"
    )
    assert every == sum(len(link["flows"]) for link in whole["links"])
    assert await visit.page.inner_text("#as-of-value") == "now" and now is not None


SCORECARD = """query($firm: ID!) { firmScorecard(firm: $firm) {
  measures { name value source namedByPaper } } }"""


async def scorecard_rows(visit: Visit, firm: str) -> list[list[Any]]:
    """The scorecard panel's rows once it shows the firm: name, value, source, named."""
    await visit.page.wait_for_selector(f"#scorecard[data-status=ready][data-firm={firm}]")
    rows: list[list[Any]] = await visit.page.locator("#scorecard tbody tr").evaluate_all(
        "(rows) => rows.map((row) => [row.dataset.measure, row.dataset.value,"
        " row.querySelector('.source').textContent, !!row.querySelector('.named')])"
    )
    return rows


def expected_scorecard(server: Served, firm: str) -> list[list[Any]]:
    measures = data(server.graphql(SCORECARD, firm=firm))["firmScorecard"]["measures"]
    return [
        [
            m["name"],
            "" if m["value"] is None else str(m["value"]).removesuffix(".0"),
            m["source"],
            m["namedByPaper"],
        ]
        for m in measures
    ]


async def test_the_scorecard_panel_shows_each_measure_with_its_source(
    visit: Visit, server: Served
) -> None:
    await visit.open_firm("huawei")
    assert await scorecard_rows(visit, "huawei") == expected_scorecard(server, "huawei")
    await visit.page.select_option("#firm-select", "tcl")
    assert await scorecard_rows(visit, "tcl") == expected_scorecard(server, "tcl")
    # TCL, a failed case, has no subsidiary with a route to the centre.
    route_share = visit.page.locator("#scorecard tr[data-measure=route_share] td.num")
    assert await route_share.inner_text() == "0%"
