// Side-by-side benchmark: the same questions to kflow's GraphQL API and to the peer
// (@neo4j/graphql, server.mjs), both reading the same Neo4j database.
//
//   node bench.mjs --kflow http://127.0.0.1:8000/graphql --peer http://127.0.0.1:4000/graphql \
//     [--kflow-pid PID] [--peer-pid PID] [--neo4j-pid PID] \
//     [--target demo=huawei:huawei-uk] [--target synth=synth:synth-sub-00001] \
//     [--requests 200] [--warmup 20] [--clients 16] [--load-requests 800] [--out DIR]
//
//   node bench.mjs --mode trace --peer URL --trace-log FILE [--target ...] [--out DIR]
//     sends each peer question once to a server.mjs started with DEBUG=@neo4j/graphql:*
//     whose stderr goes to FILE, and records the Cypher each one ran and how many statements.
//
// Questions (per target firm/unit):
//   a firms       the firms list
//   b units       one firm's units, first 100, id/name/role/country
//   c nested      firm -> 20 units -> 5 outgoing flows each -> the flow's target unit
//                 (peer only: kflow has no navigation from a unit to its flows)
//   d paths       reverse transfer routes from the unit (kflow reverseTransferPaths(from:),
//                 the peer's @cypher Query.reverseTransferPaths), first 20
//   e events      a firm's integration events, first 100, time order
// Phases: answer agreement (one request each, normalised and compared), sequential latency
// (warm-up, then --requests one after another), and throughput with --clients concurrent
// clients for b and d (--load-requests in all). With a PID, the server's CPU time per
// request comes from /proc/PID/stat (utime+stime) before and after each measurement.
// Everything is counted: no loop runs without a bound, each request has a timeout, and the
// whole run stops at --deadline-s.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";

const { values: opt } = parseArgs({
  options: {
    mode: { type: "string", default: "bench" },
    kflow: { type: "string" },
    peer: { type: "string" },
    "kflow-pid": { type: "string" },
    "peer-pid": { type: "string" },
    "neo4j-pid": { type: "string" },
    "kflow-token": { type: "string" },
    target: { type: "string", multiple: true },
    only: { type: "string" },
    requests: { type: "string", default: "200" },
    warmup: { type: "string", default: "20" },
    clients: { type: "string", default: "16" },
    "load-requests": { type: "string", default: "800" },
    "load-questions": { type: "string", default: "units,paths" },
    "timeout-ms": { type: "string", default: "30000" },
    "deadline-s": { type: "string", default: "3600" },
    "trace-log": { type: "string" },
    "peer-trace": { type: "string" },
    out: { type: "string" },
    label: { type: "string", default: "" },
  },
});

const REQUESTS = int(opt.requests, "requests");
const WARMUP = int(opt.warmup, "warmup");
const CLIENTS = int(opt.clients, "clients");
const LOAD_REQUESTS = int(opt["load-requests"], "load-requests");
const TIMEOUT_MS = int(opt["timeout-ms"], "timeout-ms");
const DEADLINE = Date.now() + int(opt["deadline-s"], "deadline-s") * 1000;
const LOAD_QUESTIONS = opt["load-questions"].split(",").filter(Boolean);
const ONLY = opt.only ? opt.only.split(",") : null;

function int(value, name) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) die(`--${name} must be a whole number, not ${value}`);
  return n;
}

function die(message) {
  console.error(`bench.mjs: ${message}`);
  process.exit(2);
}

const DEFAULT_TARGET = "demo=huawei:huawei-uk:huawei-uk:huawei-programme-information";
const targets = (opt.target?.length ? opt.target : [DEFAULT_TARGET]).map((spec) => {
  const m = /^([\w.-]+)=([^:]+):([^:]+)(?::([^:]+):([^:]+))?$/.exec(spec);
  if (!m) die(`--target wants NAME=FIRM:UNIT[:LEARNER:KNOWLEDGE], not ${spec}`);
  // LEARNER (a unit with learning events) and KNOWLEDGE (an item that flowed) default to UNIT
  // and nothing; the questions that need them are skipped for a target without them.
  return { name: m[1], firm: m[2], unit: m[3], learner: m[4] ?? m[3], item: m[5] ?? null };
});

// ---------------------------------------------------------------------------- questions
const lower = (v) => (typeof v === "string" ? v.toLowerCase() : v);
const byId = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const QUESTIONS = [
  {
    key: "firms",
    title: "(a) firms list",
    kflow: {
      query: "query Firms { firms { id name homeCountry industry outcome } }",
      variables: () => ({}),
      answer: (d) => d.firms.map((f) => ({ ...f, outcome: lower(f.outcome) })),
    },
    peer: {
      query: "query Firms { firms(sort: [{id: ASC}]) { id name homeCountry industry outcome } }",
      variables: () => ({}),
      answer: (d) => d.firms.map((f) => ({ ...f, outcome: lower(f.outcome) })),
    },
  },
  {
    key: "units",
    title: "(b) a firm's units, first 100",
    kflow: {
      query:
        "query Units($firm: ID!) { units(firm: $firm, first: 100) { edges { node { id name role country } } } }",
      variables: (t) => ({ firm: t.firm }),
      answer: (d) => d.units.edges.map(({ node: u }) => ({ ...u, role: lower(u.role) })),
    },
    peer: {
      query:
        "query Units($firm: ID!) { firms(where: {id: {eq: $firm}}) { units(limit: 100, sort: [{id: ASC}]) { id name role country } } }",
      variables: (t) => ({ firm: t.firm }),
      answer: (d) => (d.firms[0]?.units ?? []).map((u) => ({ ...u, role: lower(u.role) })),
    },
  },
  {
    key: "nested",
    title: "(c) firm -> 20 units -> 5 outgoing flows -> target unit",
    // kflow: its navigation fields (Firm.units, Unit.flowsOut, Flow.to), units by name and
    // flows by date (undated last) then id; the peer is asked for the same order.
    kflow: {
      query:
        "query Nested($firm: ID!) { firm(id: $firm) { id units(first: 20) { edges { node { id name flowsOut(first: 5) { edges { node { id direction knowledge { id } date to { id name role } } } } } } } } }",
      variables: (t) => ({ firm: t.firm }),
      answer: (d) =>
        (d.firm?.units.edges ?? []).map(({ node: u }) => ({
          id: u.id,
          flows: u.flowsOut.edges.map(({ node: f }) => [f.id, f.to.id, f.date ?? null]),
        })),
    },
    peer: {
      query:
        "query Nested($firm: ID!) { firms(where: {id: {eq: $firm}}) { id units(limit: 20, sort: [{name: ASC}, {id: ASC}]) { id name outgoingFlowsConnection(first: 5, sort: [{edge: {date: ASC}}, {edge: {id: ASC}}]) { edges { properties { id direction knowledge date } node { id name role } } } } } }",
      variables: (t) => ({ firm: t.firm }),
      answer: (d) =>
        (d.firms[0]?.units ?? []).map((u) => ({
          id: u.id,
          flows: u.outgoingFlowsConnection.edges.map((e) => [e.properties.id, e.node.id, e.properties.date ?? null]),
        })),
    },
  },
  {
    key: "paths",
    title: "(d) reverse transfer paths from the unit, first 20",
    kflow: {
      query:
        "query Paths($unit: ID!) { reverseTransferPaths(from: $unit, first: 20) { edges { node { length hops { role unit { id name role country } flow { id direction date } } } } } }",
      variables: (t) => ({ unit: t.unit }),
      answer: (d) => d.reverseTransferPaths.edges.map(({ node }) => normalisePath(node)),
    },
    peer: {
      query:
        "query Paths($unit: ID!) { reverseTransferPaths(from: $unit, first: 20) { length hops { role unit { id name role country } flow { id direction date } } } }",
      variables: (t) => ({ unit: t.unit }),
      answer: (d) => d.reverseTransferPaths.map(normalisePath),
    },
  },
  {
    key: "events",
    title: "(e) a firm's integration events, first 100",
    kflow: {
      query:
        "query Events($firm: ID!) { integrationEvents(firm: $firm, first: 100) { edges { node { id step tier date until description sponsors { id } resources { id name } knowledge { id } } } } }",
      variables: (t) => ({ firm: t.firm }),
      answer: (d) => d.integrationEvents.edges.map(({ node }) => normaliseEvent(node)),
    },
    peer: {
      query:
        "query Events($firm: String!) { integrationEvents(where: {firmId: {eq: $firm}}, sort: [{date: ASC}, {id: ASC}], limit: 100) { id step tier date until description sponsors { id } resources { id name } knowledge { id } } }",
      variables: (t) => ({ firm: t.firm }),
      answer: (d) => d.integrationEvents.map((e) => normaliseEvent(e)),
    },
  },
  {
    key: "learning",
    title: "(f) a unit's learning events with their knowledge, first 20",
    kflow: {
      query:
        "query Learning($unit: ID!) { unit(id: $unit) { learningEvents(first: 20) { edges { node { id date channel knowledge { id name } } } } } }",
      variables: (t) => ({ unit: t.learner }),
      answer: (d) => d.unit.learningEvents.edges.map(({ node }) => normaliseLearning(node)),
    },
    peer: {
      query:
        "query Learning($unit: ID!) { units(where: {id: {eq: $unit}}) { learned(limit: 20, sort: [{date: ASC}, {id: ASC}]) { id date channel knowledge { id name } } } }",
      variables: (t) => ({ unit: t.learner }),
      answer: (d) => (d.units[0]?.learned ?? []).map(normaliseLearning),
    },
  },
  {
    key: "itemflows",
    title: "(g) the flows of one knowledge item, first 100",
    needs: "item",
    kflow: {
      query:
        "query ItemFlows($item: ID!) { flows(knowledge: $item, first: 100) { edges { node { id direction date from { id } to { id } } } } }",
      variables: (t) => ({ item: t.item }),
      answer: (d) => d.flows.edges.map(({ node: f }) => normaliseFlow(f, f.from.id, f.to.id)),
    },
    peer: {
      // The peer reaches flows only as edges of units: every unit that sent the item, then
      // its edges carrying it, ordered here as kflow orders them (date, undated last, id).
      query:
        "query ItemFlows($item: String!) { units(where: {outgoingFlowsConnection: {some: {edge: {knowledge: {eq: $item}}}}}) { id outgoingFlowsConnection(where: {edge: {knowledge: {eq: $item}}}) { edges { properties { id direction date } node { id } } } } }",
      variables: (t) => ({ item: t.item }),
      answer: (d) =>
        d.units
          .flatMap((u) => u.outgoingFlowsConnection.edges.map((e) => normaliseFlow(e.properties, u.id, e.node.id)))
          .sort((a, b) => compareKeys(a.key, b.key))
          .slice(0, 100),
    },
  },
].filter((q) => !ONLY || ONLY.includes(q.key));

// A question that needs a target field (the knowledge item) is skipped for a target without it.
const asks = (q, target) => !q.needs || target[q.needs] != null;

function normaliseLearning(e) {
  return {
    id: e.id,
    date: e.date ?? null,
    channel: lower(e.channel),
    knowledge: [...e.knowledge].sort(byId).map((k) => ({ id: k.id, name: k.name })),
  };
}

// kflow's flow order: the date as a string (undated as "~", last), then the id.
function compareKeys(a, b) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

function normaliseFlow(f, from, to) {
  const date = f.date ?? null;
  return { key: [date ?? "~", f.id], id: f.id, direction: lower(f.direction), date, from, to };
}

function normalisePath(p) {
  return {
    length: p.length,
    hops: p.hops.map((h) => ({
      role: lower(h.role),
      unit: { ...h.unit, role: lower(h.unit.role) },
      flow: h.flow ? { ...h.flow, direction: lower(h.flow.direction) } : null,
    })),
  };
}

function normaliseEvent(e) {
  return {
    id: e.id,
    step: lower(e.step),
    tier: lower(e.tier),
    date: e.date,
    until: e.until,
    description: e.description,
    sponsors: e.sponsors.map((u) => u.id).sort(),
    resources: [...e.resources].sort(byId),
    knowledge: e.knowledge.map((k) => k.id).sort(),
  };
}

// ---------------------------------------------------------------------------- HTTP
const agents = new Map();

function agentFor(url) {
  const key = new URL(url).host;
  if (!agents.has(key)) {
    agents.set(key, new http.Agent({ keepAlive: true, maxSockets: Math.max(CLIENTS, 1) }));
  }
  return agents.get(key);
}

function post(url, body, headers = {}) {
  const target = new URL(url);
  if (!["127.0.0.1", "localhost", "[::1]"].includes(target.hostname)) {
    die(`only loopback servers are benchmarked, not ${target.hostname}`);
  }
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      target,
      {
        method: "POST",
        agent: agentFor(url),
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "content-length": Buffer.byteLength(payload),
          ...headers,
        },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const text = Buffer.concat(chunks).toString("utf8");
          let json = null;
          try {
            json = JSON.parse(text);
          } catch {
            /* reported below */
          }
          resolve({ status: res.statusCode, ms, json, text, bytes: text.length });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timed out after ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(payload);
  });
}

const servers = {
  kflow: {
    name: "kflow",
    url: opt.kflow,
    pid: opt["kflow-pid"],
    headers: opt["kflow-token"] ? { authorization: `Bearer ${opt["kflow-token"]}` } : {},
  },
  peer: { name: "peer", url: opt.peer, pid: opt["peer-pid"], headers: {} },
};

async function ask(server, spec, target) {
  if (Date.now() > DEADLINE) throw new Error("--deadline-s reached");
  const cypher = spec.endpoint === "cypher";
  // kflow's analyst endpoint sits beside its GraphQL endpoint: .../graphql -> .../cypher.
  const url = cypher ? server.url.replace(/\/graphql\/?$/, "/cypher") : server.url;
  const body = cypher
    ? { query: spec.query, parameters: spec.variables(target) }
    : { query: spec.query, variables: spec.variables(target) };
  let res;
  try {
    res = await post(url, body, server.headers);
  } catch (error) {
    return { ok: false, ms: NaN, error: String(error.message ?? error) };
  }
  const errors = res.json?.errors;
  const data = cypher ? res.json : res.json?.data;
  if (res.status !== 200 || !res.json || errors?.length || !data || (cypher && !Array.isArray(data.rows))) {
    const why = errors?.[0]?.message ?? `HTTP ${res.status}: ${res.text.slice(0, 200)}`;
    return { ok: false, ms: res.ms, error: why, json: res.json };
  }
  return { ok: true, ms: res.ms, json: cypher ? { data } : res.json, bytes: res.bytes };
}

// ---------------------------------------------------------------------------- CPU
let clockTicks = 100;
try {
  clockTicks = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
} catch {
  /* Linux's usual 100 */
}

function ownCpuMs(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

function childrenOf(pid) {
  const found = [];
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const listed = fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
    if (listed) found.push(...listed.split(" "));
  }
  return found;
}

// The CPU of a process and of its live descendants: `kflow serve --workers N` answers in
// N child processes of one supervisor.
function cpuMs(pid) {
  if (!pid) return null;
  try {
    let total = 0;
    const pending = [pid];
    while (pending.length) {
      const next = pending.pop();
      try {
        total += ownCpuMs(next);
        pending.push(...childrenOf(next));
      } catch {
        if (next === pid) throw new Error(`no process ${pid}`);
      }
    }
    return total;
  } catch {
    return null;
  }
}

function cpuSnapshot() {
  return {
    kflow: cpuMs(servers.kflow.pid),
    peer: cpuMs(servers.peer.pid),
    neo4j: cpuMs(opt["neo4j-pid"]),
    client: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  };
}

function cpuPerRequest(before, after, n) {
  const out = {};
  for (const k of Object.keys(before)) {
    out[k] = before[k] == null || after[k] == null ? null : round((after[k] - before[k]) / n, 3);
  }
  return out;
}

// ---------------------------------------------------------------------------- stats
function percentile(values, share) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.round(share * (sorted.length - 1))))];
}

function round(v, digits = 2) {
  return Number.isFinite(v) ? Number(v.toFixed(digits)) : null;
}

function summary(latencies) {
  const ok = latencies.filter((v) => Number.isFinite(v));
  return {
    n: latencies.length,
    p50: round(percentile(ok, 0.5)),
    p95: round(percentile(ok, 0.95)),
    p99: round(percentile(ok, 0.99)),
    mean: round(ok.reduce((a, b) => a + b, 0) / (ok.length || 1)),
    max: round(Math.max(...ok)),
  };
}

// ---------------------------------------------------------------------------- phases
function log(message) {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

function firstDifference(a, b) {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = JSON.stringify(a[i]);
    const y = JSON.stringify(b[i]);
    if (x !== y) return { index: i, kflow: a[i] ?? null, peer: b[i] ?? null };
  }
  return null;
}

async function agreement(target) {
  const rows = [];
  for (const q of QUESTIONS.filter((x) => asks(x, target))) {
    const row = { question: q.key, title: q.title, target: target.name };
    for (const side of ["kflow", "peer"]) {
      if (!q[side]) continue;
      const r = await ask(servers[side], q[side], target);
      row[side] = r.ok
        ? {
            count: q[side].answer(r.json.data).length,
            bytes: r.bytes,
            storeRoundTrips: r.json.extensions?.storeRoundTrips ?? null,
          }
        : { error: r.error };
      row[`${side}Answer`] = r.ok ? q[side].answer(r.json.data) : null;
    }
    if (!q.kflow) {
      row.verdict = "peer only (kflow cannot express it)";
    } else if (!row.kflowAnswer || !row.peerAnswer) {
      row.verdict = "error";
    } else {
      const diff = firstDifference(row.kflowAnswer, row.peerAnswer);
      row.verdict = (diff ? "DIFFERENT" : "same") + (q.kflowNote ? ` (${q.kflowNote})` : "");
      if (diff) row.difference = diff;
    }
    delete row.kflowAnswer;
    delete row.peerAnswer;
    log(`agree ${target.name} ${q.key}: ${row.verdict}`);
    rows.push(row);
  }
  return rows;
}

async function sequential(server, spec, target) {
  for (let i = 0; i < WARMUP; i += 1) await ask(server, spec, target);
  const before = cpuSnapshot();
  const started = process.hrtime.bigint();
  const latencies = [];
  let errors = 0;
  let firstError = null;
  for (let i = 0; i < REQUESTS; i += 1) {
    const r = await ask(server, spec, target);
    latencies.push(r.ms);
    if (!r.ok) {
      errors += 1;
      firstError ??= r.error;
    }
  }
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const after = cpuSnapshot();
  return {
    ...summary(latencies),
    errors,
    firstError,
    wallS: round(wallS),
    cpuMsPerRequest: cpuPerRequest(before, after, REQUESTS),
  };
}

async function load(server, spec, target) {
  // Warm the pool with one round per client, then LOAD_REQUESTS shared by CLIENTS workers.
  await Promise.all(Array.from({ length: CLIENTS }, () => ask(server, spec, target)));
  const before = cpuSnapshot();
  let next = 0;
  const latencies = [];
  let errors = 0;
  let firstError = null;
  const started = process.hrtime.bigint();
  async function worker() {
    while (next < LOAD_REQUESTS) {
      next += 1;
      const r = await ask(server, spec, target);
      latencies.push(r.ms);
      if (!r.ok) {
        errors += 1;
        firstError ??= r.error;
      }
    }
  }
  await Promise.all(Array.from({ length: CLIENTS }, worker));
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const after = cpuSnapshot();
  return {
    clients: CLIENTS,
    ...summary(latencies),
    errors,
    firstError,
    wallS: round(wallS),
    throughput: round(latencies.length / wallS, 1),
    cpuMsPerRequest: cpuPerRequest(before, after, latencies.length),
  };
}

async function bench() {
  if (!servers.kflow.url || !servers.peer.url) die("give --kflow URL and --peer URL");
  const result = {
    label: opt.label,
    startedAt: new Date().toISOString(),
    node: process.version,
    settings: { requests: REQUESTS, warmup: WARMUP, clients: CLIENTS, loadRequests: LOAD_REQUESTS },
    pids: { kflow: servers.kflow.pid ?? null, peer: servers.peer.pid ?? null, neo4j: opt["neo4j-pid"] ?? null },
    cpuCount: (await import("node:os")).cpus().length,
    targets,
    agreement: [],
    sequential: [],
    load: [],
  };
  // Statements per request from an earlier --mode trace run (its trace.json), if given.
  const traced = opt["peer-trace"] && fs.existsSync(opt["peer-trace"])
    ? JSON.parse(fs.readFileSync(opt["peer-trace"], "utf8")).trace
    : [];
  for (const target of targets) {
    const rows = await agreement(target);
    for (const row of rows) {
      const t = traced.find((x) => x.target === target.name && x.question === row.question);
      if (row.peer && t) row.peer.statements = t.roundTrips;
    }
    result.agreement.push(...rows);
    QUESTIONS.forEach((q, index) => q._index = index);
    for (const q of QUESTIONS.filter((x) => asks(x, target))) {
      // Alternate which server goes first, so slow drift does not favour one of them.
      const order = q._index % 2 === 0 ? ["kflow", "peer"] : ["peer", "kflow"];
      for (const side of order) {
        if (!q[side]) continue;
        const r = await sequential(servers[side], q[side], target);
        log(`seq   ${target.name} ${q.key} ${side}: p50 ${r.p50} ms p95 ${r.p95} ms errors ${r.errors}`);
        result.sequential.push({ target: target.name, question: q.key, server: side, ...r });
      }
    }
    for (const q of QUESTIONS.filter((x) => LOAD_QUESTIONS.includes(x.key))) {
      for (const side of ["kflow", "peer"]) {
        if (!q[side] || LOAD_REQUESTS === 0) continue;
        const r = await load(servers[side], q[side], target);
        log(`load  ${target.name} ${q.key} ${side}: ${r.throughput} req/s p50 ${r.p50} ms errors ${r.errors}`);
        result.load.push({ target: target.name, question: q.key, server: side, ...r });
      }
    }
  }
  result.finishedAt = new Date().toISOString();
  return result;
}

// ---------------------------------------------------------------------------- trace
async function trace() {
  const file = opt["trace-log"];
  if (!servers.peer.url || !file) die("--mode trace needs --peer URL and --trace-log FILE");
  const clean = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");
  // One request first: the library checks the database version once, on its first request.
  await ask(servers.peer, QUESTIONS.find((q) => q.peer).peer, targets[0]);
  await sleep(300);
  const rows = [];
  for (const target of targets) {
    for (const q of QUESTIONS.filter((x) => x.peer && asks(x, target))) {
      const from = fs.statSync(file).size;
      const r = await ask(servers.peer, q.peer, target);
      await sleep(400); // the debug log is written asynchronously
      const text = clean(fs.readFileSync(file).subarray(from).toString("utf8")); // bytes, not characters
      // Debug records start with an ISO timestamp and the namespace; a record's text runs
      // on until the next record. "executing cypher" is followed by the statement, then
      // by its parameters.
      const records = [];
      for (const line of text.split("\n")) {
        const m = /^\d{4}-\d\d-\d\dT[\d:.]+Z (@neo4j\/graphql:\S+) ?(.*)$/.exec(line);
        if (m) records.push({ ns: m[1], text: m[2] });
        else if (records.length) records[records.length - 1].text += `\n${line}`;
      }
      const cypher = [];
      records.forEach((rec, i) => {
        if (rec.ns.endsWith(":execution") && rec.text.trim() === "executing cypher") {
          const statement = records[i + 1]?.text.trim() ?? "";
          const params = records[i + 2]?.text.trim().startsWith("cypher params") ? records[i + 2].text.trim() : "";
          cypher.push(params ? `${statement}\n// ${params.replace(/\n/g, "\n// ")}` : statement);
        }
      });
      const statements = cypher;
      rows.push({
        target: target.name,
        question: q.key,
        ok: r.ok,
        error: r.ok ? undefined : r.error,
        roundTrips: statements.length,
        cypher,
      });
      log(`trace ${target.name} ${q.key}: ${statements.length} statement(s)`);
    }
  }
  return { label: opt.label, tracedAt: new Date().toISOString(), trace: rows };
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// ---------------------------------------------------------------------------- report
function markdown(result) {
  const lines = [];
  const fmt = (v) => (v == null ? "-" : String(v));
  lines.push(`# kflow vs @neo4j/graphql ${result.label ? `(${result.label})` : ""}`.trim(), "");
  lines.push(
    `${result.startedAt} .. ${result.finishedAt}; ${result.cpuCount} CPUs; node ${result.node}; ` +
      `${result.settings.requests} sequential requests after ${result.settings.warmup} warm-up; ` +
      `${result.settings.loadRequests} requests from ${result.settings.clients} clients for load.`,
    "",
  );
  lines.push("## Answer agreement", "");
  lines.push("| target | question | kflow items | peer items | kflow store round trips | peer Cypher statements | verdict |");
  lines.push("| --- | --- | --- | --- | --- | --- | --- |");
  for (const a of result.agreement) {
    lines.push(
      `| ${a.target} | ${a.title} | ${fmt(a.kflow?.count ?? a.kflow?.error)} | ${fmt(a.peer?.count ?? a.peer?.error)} | ` +
        `${fmt(a.kflow?.storeRoundTrips)} | ${fmt(a.peer?.statements)} | ${a.verdict} |`,
    );
  }
  for (const a of result.agreement.filter((x) => x.difference)) {
    lines.push("", `First difference, ${a.target} ${a.question} at item ${a.difference.index}:`);
    lines.push("```", `kflow: ${JSON.stringify(a.difference.kflow)}`, `peer:  ${JSON.stringify(a.difference.peer)}`, "```");
  }
  lines.push("", "## Sequential latency (ms) and CPU per request (ms)", "");
  lines.push(
    "| target | question | kflow p50 | kflow p95 | peer p50 | peer p95 | p50 kflow/peer | kflow CPU | peer CPU | Neo4j CPU (kflow / peer) | errors (kflow / peer) |",
  );
  lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const target of result.targets) {
    for (const q of QUESTIONS) {
      const k = result.sequential.find((s) => s.target === target.name && s.question === q.key && s.server === "kflow");
      const p = result.sequential.find((s) => s.target === target.name && s.question === q.key && s.server === "peer");
      if (!k && !p) continue;
      lines.push(
        `| ${target.name} | ${q.key}${q.kflowNote ? "*" : ""} | ${fmt(k?.p50)} | ${fmt(k?.p95)} | ${fmt(p?.p50)} | ${fmt(p?.p95)} | ` +
          `${ratio(k?.p50, p?.p50)} | ` +
          `${fmt(k?.cpuMsPerRequest.kflow)} | ${fmt(p?.cpuMsPerRequest.peer)} | ` +
          `${fmt(k?.cpuMsPerRequest.neo4j)} / ${fmt(p?.cpuMsPerRequest.neo4j)} | ${fmt(k?.errors)} / ${fmt(p?.errors)} |`,
      );
    }
  }
  if (result.load.length) {
    lines.push("", `## Throughput, ${result.settings.clients} concurrent clients`, "");
    lines.push(
      "| target | question | kflow req/s | peer req/s | req/s kflow/peer | kflow p50 / p95 | peer p50 / p95 | kflow CPU | peer CPU | Neo4j CPU (kflow / peer) | errors (kflow / peer) |",
    );
    lines.push("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (const target of result.targets) {
      for (const q of QUESTIONS) {
        const k = result.load.find((s) => s.target === target.name && s.question === q.key && s.server === "kflow");
        const p = result.load.find((s) => s.target === target.name && s.question === q.key && s.server === "peer");
        if (!k && !p) continue;
        lines.push(
          `| ${target.name} | ${q.key} | ${fmt(k?.throughput)} | ${fmt(p?.throughput)} | ${ratio(k?.throughput, p?.throughput)} | ${fmt(k?.p50)} / ${fmt(k?.p95)} | ` +
            `${fmt(p?.p50)} / ${fmt(p?.p95)} | ${fmt(k?.cpuMsPerRequest.kflow)} | ${fmt(p?.cpuMsPerRequest.peer)} | ` +
            `${fmt(k?.cpuMsPerRequest.neo4j)} / ${fmt(p?.cpuMsPerRequest.neo4j)} | ${fmt(k?.errors)} / ${fmt(p?.errors)} |`,
        );
      }
    }
  }
  for (const q of QUESTIONS.filter((x) => x.kflowNote)) {
    lines.push("", `\\* ${q.key}: ${q.kflowNote}; kflow's GraphQL API cannot express this question.`);
  }
  lines.push(
    "",
    "CPU columns: milliseconds of CPU (user+system, /proc/PID/stat) the process spent per request " +
      "over the measured requests; '-' where no PID was given. The benchmark client runs on the same machine.",
  );
  return lines.join("\n") + "\n";
}

function ratio(a, b) {
  return a == null || b == null || !b ? "-" : (a / b).toFixed(2);
}

function traceMarkdown(result) {
  const lines = [`# Cypher generated by @neo4j/graphql ${result.label ? `(${result.label})` : ""}`.trim(), ""];
  for (const t of result.trace) {
    lines.push(`## ${t.target} ${t.question}: ${t.roundTrips} statement(s) per request${t.ok ? "" : ` (error: ${t.error})`}`, "");
    const q = QUESTIONS.find((x) => x.key === t.question);
    lines.push("GraphQL:", "```graphql", q.peer.query, "```", "");
    t.cypher.forEach((c, i) => lines.push(`Cypher ${i + 1}:`, "```", c, "```", ""));
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------- main
const result = opt.mode === "trace" ? await trace() : opt.mode === "bench" ? await bench() : die(`unknown --mode ${opt.mode}`);
if (opt.out) {
  fs.mkdirSync(opt.out, { recursive: true });
  const stem = opt.mode === "trace" ? "trace" : "results";
  fs.writeFileSync(path.join(opt.out, `${stem}.json`), JSON.stringify(result, null, 2) + "\n");
  fs.writeFileSync(path.join(opt.out, `${stem}.md`), opt.mode === "trace" ? traceMarkdown(result) : markdown(result));
  log(`wrote ${path.join(opt.out, stem)}.json and .md`);
}
process.stdout.write(opt.mode === "trace" ? traceMarkdown(result) : markdown(result));
for (const a of agents.values()) a.destroy();
