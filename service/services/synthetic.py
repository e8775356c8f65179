"""A synthetic firm, made up but shaped on the model, for testing kflow at scale.

The firm follows Fu, Sun & Ghauri's multi-level hub: an HQ with its capability centre,
regional hubs, and subsidiaries in the hubs' countries. Every knowledge item starts with a
learning event at a unit (from a customer, a collaborator or the host country) and then
circulates the way the paper describes: a subsidiary may share it with a peer, reports it
up to its regional hub (a core subsidiary sometimes straight to the centre), the hub passes
it to the centre, and the centre disseminates it down through hubs to subsidiaries, which
share it sideways. Dates never go back along a circulation. Integration events coordinated
by the centre, the HQ or a hub (Table 5's coordinator; sponsors and beneficiaries are left
empty, as a made-up firm has no source naming them) leverage, renew and release knowledge
and resources.

The result is a case document (the dict a seed or import file parses to), so it is
validated and loaded exactly like any other case. The same seed always gives the same firm.
"""

import datetime
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from pydantic import BaseModel

from service.model.files import paused_gc, validate_case_document
from service.services.bulk import (
    BATCH_SIZE,
    BulkSummary,
    FirmExists,
    Progress,
    load_case_in_batches,
)
from service.services.network import get_firms_by_id
from service.store.port import GraphStore

DEFAULT_SEED = 20240601
DEFAULT_FIRM_ID = "synth"
CITE = {"paper": "fu2018", "where": "Figure 1 (synthetic record shaped on the model)"}
ASSUMPTION = (
    "Synthetic firm made by `kflow generate` (seed {seed}): every unit, flow and event is "
    "invented and only follows the shape of Fu, Sun & Ghauri's Figure 1 and Table 3."
)
FIRST_DAY = datetime.date(2005, 1, 1).toordinal()
LAST_DAY = datetime.date(2023, 12, 31).toordinal()


@dataclass(frozen=True)
class FirmSize:
    """How many of each record a synthetic firm has."""

    hubs: int
    subsidiaries: int
    flows: int
    learning: int
    integrations: int

    def records(self) -> int:
        """Roughly how many records the case holds (for progress reports)."""
        return (
            2 + self.hubs + self.subsidiaries + self.flows + 2 * self.learning + self.integrations
        )


SIZES: dict[str, FirmSize] = {
    "small": FirmSize(hubs=3, subsidiaries=50, flows=2_000, learning=200, integrations=200),
    "medium": FirmSize(
        hubs=10, subsidiaries=1_000, flows=100_000, learning=10_000, integrations=10_000
    ),
    "large": FirmSize(
        hubs=20, subsidiaries=10_000, flows=1_000_000, learning=100_000, integrations=100_000
    ),
}

# (region, [(country, market), ...]); hubs beyond this list get numbered regions.
REGIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Western Europe",
        (("Germany", "developed"), ("France", "developed"), ("Netherlands", "developed")),
    ),
    ("British Isles", (("United Kingdom", "developed"), ("Ireland", "developed"))),
    ("Nordics", (("Sweden", "developed"), ("Finland", "developed"), ("Norway", "developed"))),
    (
        "Southern Europe",
        (("Italy", "developed"), ("Spain", "developed"), ("Portugal", "developed")),
    ),
    (
        "Central Europe",
        (("Poland", "emerging"), ("Czech Republic", "developed"), ("Hungary", "emerging")),
    ),
    ("Eastern Europe", (("Russia", "emerging"), ("Ukraine", "emerging"), ("Romania", "emerging"))),
    ("North America", (("United States", "developed"), ("Canada", "developed"))),
    (
        "Central America",
        (("Mexico", "emerging"), ("Panama", "emerging"), ("Costa Rica", "emerging")),
    ),
    ("Andean", (("Colombia", "emerging"), ("Peru", "emerging"), ("Ecuador", "emerging"))),
    ("Southern Cone", (("Argentina", "emerging"), ("Chile", "emerging"), ("Uruguay", "emerging"))),
    ("Brazil", (("Brazil", "emerging"),)),
    ("West Africa", (("Nigeria", "emerging"), ("Ghana", "emerging"), ("Senegal", "emerging"))),
    ("East Africa", (("Kenya", "emerging"), ("Ethiopia", "emerging"), ("Tanzania", "emerging"))),
    (
        "Southern Africa",
        (("South Africa", "emerging"), ("Zambia", "emerging"), ("Angola", "emerging")),
    ),
    (
        "Middle East",
        (
            ("Saudi Arabia", "emerging"),
            ("United Arab Emirates", "emerging"),
            ("Turkey", "emerging"),
        ),
    ),
    ("South Asia", (("India", "emerging"), ("Pakistan", "emerging"), ("Bangladesh", "emerging"))),
    (
        "South-East Asia",
        (("Indonesia", "emerging"), ("Thailand", "emerging"), ("Vietnam", "emerging")),
    ),
    ("East Asia", (("Japan", "developed"), ("South Korea", "developed"), ("Taiwan", "developed"))),
    ("Oceania", (("Australia", "developed"), ("New Zealand", "developed"))),
    ("Central Asia", (("Kazakhstan", "emerging"), ("Uzbekistan", "emerging"))),
)
# What a unit learns through each channel: (channel, actor kind, topics, domains).
CHANNELS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "customers",
        "customer",
        ("Customer requirement", "Service expectation", "Tender specification", "Usage feedback"),
        ("market", "product"),
    ),
    (
        "cooperation",
        "collaborator",
        ("Joint R&D result", "Supplier process", "Partner technology", "Shared test method"),
        ("technology", "process"),
    ),
    (
        "host_country",
        "host_country",
        ("Regulatory standard", "Local market practice", "Labour practice", "Certification rule"),
        ("regulation", "management"),
    ),
)
CHANNEL_WEIGHTS = (0.55, 0.25, 0.20)
CAPABILITIES: tuple[tuple[str, str], ...] = (
    ("Customer-centric solution design", "customers"),
    ("Key account management", "customers"),
    ("Market sensing", "customers"),
    ("Field service excellence", "customers"),
    ("Open innovation with partners", "cooperation"),
    ("Standard-setting participation", "cooperation"),
    ("Supplier development", "cooperation"),
    ("Joint product engineering", "cooperation"),
    ("Regulatory compliance", "host_country"),
    ("Local talent management", "host_country"),
    ("Government relations", "host_country"),
    ("Localisation of products", "host_country"),
)
RESOURCE_KINDS = (
    "technology",
    "manufacturing_facility",
    "distribution_access",
    "brand",
    "workforce",
    "business_unit",
    "executive",
    "other",
)
ACTIVITIES = (
    "inbound_logistics",
    "operations",
    "outbound_logistics",
    "marketing_and_sales",
    "service",
)
MECHANISMS = (
    "knowledge_encapsulation",
    "intranet",
    "incentives",
    "strategic_location",
    "strategic_linkages",
)
STEP_VERBS = {"leverage": "Leveraged", "renew": "Renewed", "release": "Released"}
PEERS_PER_SUBSIDIARY = 8
CORE_SHARE = 0.1


def resolve_firm_size(
    *,
    size: str,
    hubs: int | None = None,
    subsidiaries: int | None = None,
    flows: int | None = None,
    learning: int | None = None,
    integrations: int | None = None,
) -> FirmSize:
    """A named size, with any explicit count replacing the size's own."""
    base = SIZES[size]
    chosen = FirmSize(
        hubs=base.hubs if hubs is None else hubs,
        subsidiaries=base.subsidiaries if subsidiaries is None else subsidiaries,
        flows=base.flows if flows is None else flows,
        learning=base.learning if learning is None else learning,
        integrations=base.integrations if integrations is None else integrations,
    )
    # Named as `kflow generate` names them: its options are this function's arguments.
    problems = []
    for option, least, value in (
        ("hubs", 1, chosen.hubs),
        ("subsidiaries", 2, chosen.subsidiaries),
        ("flows", 0, chosen.flows),
        ("learning", 1, chosen.learning),
        ("integrations", 0, chosen.integrations),
    ):
        if value < least:
            wanted = "0 or more" if least == 0 else f"at least {least}"
            problems.append(f"--{option} must be {wanted}, not {value}")
    if problems:
        raise ValueError("; ".join(problems))
    return chosen


class _Dates:
    """Partial dates as strings, cached by day (a firm has a few thousand distinct days)."""

    def __init__(self) -> None:
        self._days: dict[int, str] = {}

    def day(self, ordinal: int) -> str:
        text = self._days.get(ordinal)
        if text is None:
            text = datetime.date.fromordinal(min(ordinal, LAST_DAY)).isoformat()
            self._days[ordinal] = text
        return text

    def partial(self, ordinal: int, draw: float) -> str:
        """Mostly days, some months, a few years: the precision sources give."""
        text = self.day(ordinal)
        if draw < 0.80:
            return text
        return text[:7] if draw < 0.95 else text[:4]


def _fact(record: dict[str, Any]) -> dict[str, Any]:
    record["cite"] = CITE
    return record


def _regions(count: int) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    regions = list(REGIONS[:count])
    for number in range(len(regions), count):
        regions.append((f"Region {number + 1}", ((f"Country {number + 1}", "emerging"),)))
    return regions


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def generate_case_document(
    *, firm_id: str = DEFAULT_FIRM_ID, size: FirmSize, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """A synthetic firm's case document, the same for the same arguments."""
    with paused_gc():
        return _build_document(firm_id=firm_id, size=size, seed=seed)


def _build_document(*, firm_id: str, size: FirmSize, seed: int) -> dict[str, Any]:
    rnd = random.Random(seed)
    random_ = rnd.random
    randrange = rnd.randrange
    choice = rnd.choice
    dates = _Dates()
    f = firm_id

    # --- units: HQ, capability centre, regional hubs, subsidiaries -------------------------
    regions = _regions(size.hubs)
    hq, centre = f"{f}-hq", f"{f}-ccd"
    units: list[dict[str, Any]] = [
        _fact(
            {
                "id": hq,
                "name": f"{f.upper()} headquarters",
                "role": "hq",
                "country": "China",
                "market": "emerging",
            }
        ),
        _fact(
            {
                "id": centre,
                "name": f"{f.upper()} Centre for Capabilities Development",
                "role": "capability_centre",
                "country": "China",
                "market": "emerging",
                "reports_to": hq,
            }
        ),
    ]
    hub_ids = [f"{f}-hub-{h + 1:02d}" for h in range(size.hubs)]
    for hub_id, (region, countries) in zip(hub_ids, regions, strict=True):
        units.append(
            _fact(
                {
                    "id": hub_id,
                    "name": f"{region} regional headquarters",
                    "role": "regional_hq",
                    "country": countries[0][0],
                    "market": countries[0][1],
                    "reports_to": centre,
                }
            )
        )
    sub_ids = [f"{f}-sub-{s + 1:05d}" for s in range(size.subsidiaries)]
    region_of = [s % size.hubs for s in range(size.subsidiaries)]
    subs_in: list[list[int]] = [[] for _ in range(size.hubs)]
    core: list[bool] = []
    for s, sub_id in enumerate(sub_ids):
        h = region_of[s]
        subs_in[h].append(s)
        country, market = choice(regions[h][1])
        is_core = random_() < CORE_SHARE
        core.append(is_core)
        units.append(
            _fact(
                {
                    "id": sub_id,
                    "name": f"{f.upper()} {country} {s + 1}",
                    "role": "core_subsidiary" if is_core else "subsidiary",
                    "country": country,
                    "market": market,
                    "reports_to": hub_ids[h],
                }
            )
        )
    # Each subsidiary shares sideways with a few fixed peers, mostly in its own region.
    peers: list[list[int]] = []
    for s in range(size.subsidiaries):
        own = subs_in[region_of[s]]
        chosen: list[int] = []
        for k in range(PEERS_PER_SUBSIDIARY):
            pool = own if (k < PEERS_PER_SUBSIDIARY - 2 and len(own) > 1) else None
            for _ in range(8):
                peer = choice(pool) if pool else randrange(size.subsidiaries)
                if peer != s and peer not in chosen:
                    chosen.append(peer)
                    break
        peers.append(chosen or [(s + 1) % size.subsidiaries])
    hub_peers = [sorted({(h + 1) % size.hubs, (h - 1) % size.hubs} - {h}) for h in range(size.hubs)]

    # --- the outside world: customers, collaborators, host countries ------------------------
    actors: list[dict[str, Any]] = []
    actor_pool: dict[tuple[int, str], list[str]] = {}
    for h, (_, countries) in enumerate(regions):
        for country, _market in countries:
            actor_id = f"{f}-country-{_slug(country)}"
            actors.append(
                _fact({"id": actor_id, "name": country, "kind": "host_country", "country": country})
            )
            actor_pool.setdefault((h, "host_country"), []).append(actor_id)
    for kind, prefix, count in (
        ("customer", "cust", max(size.hubs * 2, size.subsidiaries // 2)),
        ("collaborator", "coll", max(size.hubs, size.subsidiaries // 10)),
    ):
        for n in range(count):
            h = n % size.hubs
            country = choice(regions[h][1])[0]
            record = {
                "id": f"{f}-{prefix}-{n + 1:05d}",
                "name": f"{country} {kind} {n + 1}",
                "kind": kind,
                "country": country,
            }
            if kind == "customer":
                record["buying"] = "centralised" if random_() < 0.4 else "decentralised"
            actors.append(_fact(record))
            actor_pool.setdefault((h, kind), []).append(record["id"])

    capabilities = [
        _fact({"id": f"{f}-cap-{n + 1:02d}", "name": name, "channel": channel})
        for n, (name, channel) in enumerate(CAPABILITIES)
    ]
    caps_by_channel = {
        channel: [c["id"] for c in capabilities if c["channel"] == channel]
        for channel, _, _, _ in CHANNELS
    }

    # --- learning: one new knowledge item per event, learned over the years ----------------
    knowledge: list[dict[str, Any]] = []
    learning: list[dict[str, Any]] = []
    learner_of: list[int] = []  # -1 - h for hub h, else the subsidiary's index
    learned_on: list[int] = []
    span = LAST_DAY - FIRST_DAY - 400
    for n in range(size.learning):
        at_hub = random_() < 0.08
        if at_hub:
            h = randrange(size.hubs)
            learner, unit_id = -1 - h, hub_ids[h]
        else:
            s = randrange(size.subsidiaries)
            h, learner, unit_id = region_of[s], s, sub_ids[s]
        draw = random_()
        c = 0 if draw < CHANNEL_WEIGHTS[0] else (1 if draw < 1 - CHANNEL_WEIGHTS[2] else 2)
        channel, kind, topics, domains = CHANNELS[c]
        day = FIRST_DAY + (span * n) // max(size.learning, 1) + randrange(60)
        knowledge_id = f"{f}-k{n + 1:06d}"
        item: dict[str, Any] = {
            "id": knowledge_id,
            "name": f"{choice(topics)} {n + 1} ({regions[h][0]})",
            "kind": "declarative" if c == 0 or random_() < 0.4 else "procedural",
            "domain": choice(domains),
        }
        if random_() < 0.2:
            item["builds"] = [choice(caps_by_channel[channel])]
        knowledge.append(_fact(item))
        items = [knowledge_id]
        if n > 0 and random_() < 0.2:
            items.append(f"{f}-k{randrange(n) + 1:06d}")
        learning.append(
            _fact(
                {
                    "id": f"{f}-l{n + 1:06d}",
                    "unit": unit_id,
                    "source": choice(actor_pool[(h, kind)]),
                    "channel": channel,
                    "knowledge": items,
                    "date": dates.partial(day, random_()),
                }
            )
        )
        learner_of.append(learner)
        learned_on.append(day)

    # --- flows: each item circulates; how far is skewed (most items travel a little) -------
    weights = [rnd.expovariate(1.0) for _ in range(size.learning)]
    scale = size.flows / sum(weights)
    budget = [int(w * scale) for w in weights]
    for _ in range(size.flows - sum(budget)):
        budget[randrange(size.learning)] += 1
    flows: list[dict[str, Any]] = []
    add = flows.append
    number = 0

    def unit_id_of(code: int) -> str:
        return hub_ids[-1 - code] if code < 0 else sub_ids[code]

    for n in range(size.learning):
        todo = budget[n]
        if not todo:
            continue
        knowledge_id = knowledge[n]["id"]
        day = learned_on[n]
        steps: list[tuple[str, str, str]] = []
        learner = learner_of[n]
        if learner >= 0:
            if random_() < 0.3:
                steps.append((sub_ids[learner], sub_ids[choice(peers[learner])], "horizontal"))
            if core[learner] and random_() < 0.5:
                steps.append((sub_ids[learner], centre, "upward"))
            else:
                home = hub_ids[region_of[learner]]
                steps.append((sub_ids[learner], home, "upward"))
                steps.append((home, centre, "upward"))
        else:
            steps.append((hub_ids[-1 - learner], centre, "upward"))
        # Dissemination: the centre passes the item to hubs, hubs to subsidiaries, which
        # share it with their peers; core subsidiaries sometimes hear from the centre itself.
        while len(steps) < todo:
            h = randrange(size.hubs)
            steps.append((centre, hub_ids[h], "downward"))
            if random_() < 0.1:
                steps.append(
                    (hub_ids[h], hub_ids[choice(hub_peers[h])], "horizontal")
                    if hub_peers[h]
                    else (centre, hub_ids[h], "downward")
                )
            for _ in range(1 + randrange(4)):
                s = choice(subs_in[h])
                if core[s] and random_() < 0.3:
                    steps.append((centre, sub_ids[s], "downward"))
                else:
                    steps.append((hub_ids[h], sub_ids[s], "downward"))
                if random_() < 0.5:
                    steps.append((sub_ids[s], sub_ids[choice(peers[s])], "horizontal"))
        for source, target, direction in steps[:todo]:
            day += randrange(1, 45)
            number += 1
            add(
                {
                    "id": f"{f}-f{number:07d}",
                    "from": source,
                    "to": target,
                    "direction": direction,
                    "mode": "planned" if random_() < 0.7 else "unconscious",
                    "knowledge": knowledge_id,
                    "date": dates.partial(day, random_()),
                    "cite": CITE,
                }
            )

    # --- resources and integration events ----------------------------------------------------
    top_units = [hq, centre, *hub_ids]
    resources = []
    for n in range(max(10, size.subsidiaries // 5)):
        holder = top_units[n % len(top_units)] if n % 3 else sub_ids[randrange(len(sub_ids))]
        kind = choice(RESOURCE_KINDS)
        resources.append(
            _fact(
                {
                    "id": f"{f}-res-{n + 1:05d}",
                    "name": f"{kind.replace('_', ' ').capitalize()} {n + 1}",
                    "kind": kind,
                    "held_by": holder,
                }
            )
        )
    integrations = []
    for n in range(size.integrations):
        draw = random_()
        step = "leverage" if draw < 0.5 else ("renew" if draw < 0.85 else "release")
        unit_draw = random_()
        unit_id = centre if unit_draw < 0.5 else (hq if unit_draw < 0.6 else choice(hub_ids))
        day = FIRST_DAY + 365 + randrange(span)
        used_bound = max(1, min(size.learning, (day - FIRST_DAY) * size.learning // span))
        used = sorted({f"{f}-k{randrange(used_bound) + 1:06d}" for _ in range(1 + randrange(3))})
        event: dict[str, Any] = {
            "id": f"{f}-i{n + 1:06d}",
            "step": step,
            "tier": "high" if random_() < 0.3 else "low",
            "coordinator": unit_id,
            "knowledge": used,
        }
        if event["tier"] == "low":
            event["activity"] = choice(ACTIVITIES)
        if step == "renew":
            event["renew_mode"] = "create" if random_() < 0.6 else "access"
        if step == "release" or random_() < 0.2:
            event["resources"] = [resources[randrange(len(resources))]["id"]]
        mechanisms = sorted({choice(MECHANISMS) for _ in range(randrange(3))})
        if mechanisms:
            event["mechanisms"] = mechanisms
        precision = random_()
        event["date"] = dates.partial(day, precision)
        if random_() < 0.3:
            event["until"] = dates.partial(day + 30 + randrange(700), precision)
        event["description"] = (
            f"{STEP_VERBS[step]} {len(used)} knowledge item(s)"
            + (
                f" in {event['activity'].replace('_', ' ')}"
                if "activity" in event
                else " across functions"
            )
            + f", coordinated by {unit_id}"
        )
        integrations.append(_fact(event))

    return {
        "case": firm_id[:40],
        "title": f"Synthetic firm {firm_id} ({size.subsidiaries} subsidiaries, seed {seed})",
        "firm": _fact(
            {
                "id": firm_id,
                "name": f"{firm_id.upper()} Synthetic Group",
                "home_country": "China",
                "industry": "Telecommunications (synthetic)",
                "summary": f"A made-up multinational with {size.hubs} regional hubs and "
                f"{size.subsidiaries} subsidiaries, for testing kflow at scale.",
                "assumption": ASSUMPTION.format(seed=seed),
            }
        ),
        "units": units,
        "actors": actors,
        "capabilities": capabilities,
        "knowledge": knowledge,
        "learning": learning,
        "flows": flows,
        "resources": resources,
        "integrations": integrations,
    }


class GeneratedFirm(BaseModel):
    firm: str
    seed: int
    size: dict[str, int]
    generate_seconds: float
    validate_seconds: float
    load: BulkSummary

    @property
    def total_seconds(self) -> float:
        """Generating, validating, checking and writing."""
        return (
            self.generate_seconds
            + self.validate_seconds
            + self.load.check_seconds
            + self.load.write_seconds
        )


async def generate_firm(
    store: GraphStore,
    *,
    size: FirmSize,
    firm_id: str = DEFAULT_FIRM_ID,
    seed: int = DEFAULT_SEED,
    batch_size: int = BATCH_SIZE,
    on_stage: Callable[[str], None] = lambda _stage: None,
    on_start: Callable[[int], None] = lambda _rows: None,
    on_progress: Progress = lambda _phase, _rows: None,
) -> GeneratedFirm:
    """Make a synthetic firm and load it like an import: validated whole, then in batches.

    Raises FirmExists, before any work, when the graph holds the firm already.
    """
    if firm_id in await get_firms_by_id(store, ids=[firm_id]):
        raise FirmExists(
            f"the graph holds firm '{firm_id}' already; `kflow generate` only brings in a new "
            "firm (choose another with --firm)"
        )
    on_stage("generating")
    started = time.perf_counter()
    document = generate_case_document(firm_id=firm_id, size=size, seed=seed)
    generated = time.perf_counter()
    on_stage("validating")
    case = validate_case_document(document, name=f"generated firm '{firm_id}'")
    del document
    validated = time.perf_counter()
    on_stage("writing")
    summary = await load_case_in_batches(
        store,
        case=case,
        name=f"generated firm '{firm_id}'",
        batch_size=batch_size,
        on_start=on_start,
        on_progress=on_progress,
    )
    return GeneratedFirm(
        firm=firm_id,
        seed=seed,
        size=asdict(size),
        generate_seconds=generated - started,
        validate_seconds=validated - generated,
        load=summary,
    )
