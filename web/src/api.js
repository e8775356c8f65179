// The page's only data source: kflow's public GraphQL API, on the same origin as the page.

// Resolved against the page's address, so the page also works behind a path prefix.
const GRAPHQL_URL = new URL("graphql", document.baseURI).toString();

// Where a server demands an API key (production), the reader's key lives for this tab only.
const KEY_STORAGE = "kflow-api-key";

/** Raised when the API answers with errors, or not at all; `code` names an access refusal. */
export class ApiError extends Error {
  constructor(message, code = null) {
    super(message);
    this.code = code;
  }
}

/** The API key sent with every request, or "" for none. */
export function readApiKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? "";
}

/** Use this API key from now on (an empty one forgets it). */
export function storeApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** POST one GraphQL document and return its data, or throw ApiError with the API's message. */
export async function runQuery(query, variables = {}) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  const key = readApiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch(GRAPHQL_URL, {
      method: "POST",
      headers,
      body: JSON.stringify({ query, variables }),
    });
  } catch (err) {
    throw new ApiError(`the API did not answer (${err.message})`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`the API answered ${response.status} without JSON`);
  }
  // A refused key is answered before GraphQL runs: {"error": "unauthenticated", "detail": ...}.
  if (response.status === 401 || response.status === 403) {
    throw new ApiError(body.detail ?? `the API answered ${response.status}`, response.status === 401 ? "unauthenticated" : "forbidden");
  }
  if (body.errors?.length) {
    throw new ApiError(body.errors.map((error) => error.message).join("; "));
  }
  if (!response.ok) throw new ApiError(body.detail ?? `the API answered ${response.status}`);
  return body.data;
}

const FIRMS = `query Firms { firms { id name outcome homeCountry industry } }`;

const NETWORK = `query Network($firm: ID!, $asOf: PartialDate) {
  firmNetwork(firm: $firm, asOf: $asOf) {
    undatedExcluded
    firm { id name outcome homeCountry industry }
    units { id name role country market reportsTo { id } }
    links {
      direction volume from { id } to { id }
      flows { id date mode knowledge { id name kind } }
    }
    sources { channel events source { id name kind country } unit { id } }
  }
}`;

const PATHS = `query Paths($from: ID!) {
  reverseTransferPaths(from: $from, first: 50) {
    totalCount
    edges { node {
      length
      hops {
        role
        unit { id name }
        flow { id date direction mode knowledge { id name } }
      }
    } }
  }
}`;

const CIRCULATION = `query Circulation($knowledge: ID!) {
  circulation(knowledge: $knowledge) {
    knowledge { id name kind domain }
    timeline {
      stage date
      learning { id channel date source { id name } unit { id name } }
      flow { id direction date from { id name } to { id name } }
      integration { id step tier date description sponsors { id name } beneficiaries { id name } coordinator { id name } }
    }
  }
}`;

const OVERVIEW = `query Overview($firm: ID!, $expand: [ID!], $perGroup: Int!) {
  firmOverview(firm: $firm, expand: $expand, perGroup: $perGroup) {
    firm { id name outcome homeCountry industry }
    unitCount
    upper { id name role country market reportsTo { id } }
    groups {
      hub { id name } units core flowsUp flowsDown flowsAcross
      members { id name role country market reportsTo { id } }
    }
  }
}`;

const EVENTS = `query Events($firm: ID!, $after: String) {
  integrationEvents(firm: $firm, first: 100, after: $after) {
    totalCount
    edges { node {
      id step tier activity renewMode description date until citation assumption
      sponsors { id name } beneficiaries { id name } coordinator { id name }
      knowledge { id name }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const HUB_METRICS = `query HubMetrics($firm: ID!, $after: String) {
  firm(id: $firm) { id name outcome }
  hubMetrics(firm: $firm) {
    outflowThreshold inflowThreshold
    units(first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node {
        unit { id name role }
        inflow { hq hub peer total }
        outflow { hq hub peer total }
        brokerage subsidiaryRole
      } }
    }
  }
}`;

// A card of more rows than this is unreadable; the card says how many it leaves out.
const MAX_COMPARED_UNITS = 500;

/** Every firm, for the pickers. */
export async function fetchFirms() {
  return (await runQuery(FIRMS)).firms;
}

/** A firm's units, flow links and learning sources; with asOf, only the facts dated by then. */
export async function fetchNetwork(firm, asOf = null) {
  return (await runQuery(NETWORK, { firm, asOf })).firmNetwork;
}

const RELEASE = `query Release($unit: ID!) {
  releaseImpact(unit: $unit) {
    hasRoute cutOffIds lostKnowledgeTruncated
    target { id name }
    lostKnowledge { id name citation }
  }
}`;

/** What would lose every route to the centre if the unit were released. */
export async function fetchReleaseImpact(unit) {
  return (await runQuery(RELEASE, { unit })).releaseImpact;
}

const SCORECARD = `query Scorecard($firm: ID!) {
  firmScorecard(firm: $firm) {
    firm { id name outcome }
    measures { name value definition source namedByPaper }
  }
}`;

/** A firm's robustness scorecard: each measure with its value, definition and source. */
export async function fetchScorecard(firm) {
  return (await runQuery(SCORECARD, { firm })).firmScorecard;
}

/** A unit's reverse transfer paths to the hub, shortest first. */
export async function fetchReversePaths(unit) {
  const page = (await runQuery(PATHS, { from: unit })).reverseTransferPaths;
  return { totalCount: page.totalCount, paths: page.edges.map((edge) => edge.node) };
}

/** One knowledge item's circulation, in time order. */
export async function fetchCirculation(knowledge) {
  return (await runQuery(CIRCULATION, { knowledge })).circulation;
}

const CUSTOMERS = `query Customers($firm: ID!) {
  customerManagement(firm: $firm) {
    id perspective manager description advantages citation assumption
    valueFocus valueIdentification valueSpecification valueRealization
    riskFocus riskAssessment riskReduction
    unit { id name } customer { id name }
  }
}`;

/** A firm's customers managed as assets (empty for most firms). */
export async function fetchCustomerManagement(firm) {
  return (await runQuery(CUSTOMERS, { firm })).customerManagement;
}

/**
 * A firm's upper levels, its subsidiaries counted in groups by the unit they report to, and
 * the busiest perGroup members of the groups in `expand`.
 */
export async function fetchOverview(firm, expand, perGroup) {
  return (await runQuery(OVERVIEW, { firm, expand, perGroup })).firmOverview;
}

// A timeline row is 30 pixels: past this many events the page would be a scroll of bars.
export const MAX_TIMELINE_EVENTS = 100;

/** A firm's integration events in time order, at most MAX_TIMELINE_EVENTS, and how many there are. */
export async function fetchIntegrationEvents(firm) {
  const events = [];
  let after = null;
  for (;;) {
    const page = (await runQuery(EVENTS, { firm, after })).integrationEvents;
    events.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage || events.length >= MAX_TIMELINE_EVENTS) {
      return { events: events.slice(0, MAX_TIMELINE_EVENTS), totalCount: page.totalCount };
    }
    after = page.pageInfo.endCursor;
  }
}

/** A firm and its hub metrics: thresholds, up to MAX_COMPARED_UNITS units, and the count. */
export async function fetchHubMetrics(firm) {
  const units = [];
  let after = null;
  for (;;) {
    const answer = await runQuery(HUB_METRICS, { firm, after });
    const page = answer.hubMetrics.units;
    units.push(...page.edges.map((edge) => edge.node));
    if (!page.pageInfo.hasNextPage || units.length >= MAX_COMPARED_UNITS) {
      const { outflowThreshold, inflowThreshold } = answer.hubMetrics;
      return {
        firm: answer.firm,
        hubMetrics: { outflowThreshold, inflowThreshold, units, totalCount: page.totalCount },
      };
    }
    after = page.pageInfo.endCursor;
  }
}
