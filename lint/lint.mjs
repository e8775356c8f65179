// Lints Cypher statements with Neo4j 5's own parser and semantic analysis
// (@neo4j-cypher/language-support, pinned in package.json).
//
// stdin:  [{"id": "area/name.cypher", "query": "...", "parameters": {"name": <sample>, ...}}]
// stdout: [{"id": ..., "diagnostics": [{"severity": "error"|"warning"|"info"|"hint",
//                                       "message": ..., "line": N, "column": N}]}]
//         (line and column are 1-based)
// exit:   0 when every case was linted (whatever the diagnostics: the caller judges them);
//         2 on malformed input, or when the linter fails the canary checks below.
//
// The linter fails open: a malformed dbSchema makes it report nothing at all,
// even syntax errors. So before the real cases we lint known-bad canaries with
// the same dbSchema construction and refuse to answer if any of them passes.

import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

// Every statement must pass both the version Neo4j 5.26 runs by default and Cypher 25
// (which rejects forms 5 only deprecates); functions and procedures come from the 5 lists.
const CYPHER_VERSION = 'CYPHER 5';
const CYPHER_VERSIONS = ['CYPHER 5', 'CYPHER 25'];
const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

function die(message) {
  process.stderr.write(`lint.mjs: ${message}\n`);
  process.exit(2);
}

// Built-in functions and procedures, taken from the package's own fixture
// (a dump of a Neo4j 5 server). Plugins (APOC, GDS) and Enterprise-only CDC are
// dropped: our Neo4j has none of them, so calling one must be reported.
function builtInRegistries() {
  const fixture = testData?.mockSchema;
  const functions = fixture?.functions?.[CYPHER_VERSION];
  const procedures = fixture?.procedures?.[CYPHER_VERSION];
  if (!functions || !procedures) {
    die(`the installed @neo4j-cypher/language-support ships no ${CYPHER_VERSION} function/procedure lists (testData.mockSchema); check the pinned version`);
  }
  const pick = (registry, keep) =>
    Object.fromEntries(Object.entries(registry).filter(([, entry]) => keep(entry)));
  const builtInFunctions = pick(functions, (fn) => fn.isBuiltIn === true);
  const builtInProcedures = pick(procedures, (proc) => /^(db|dbms|tx)\./.test(proc.name));
  if (Object.keys(builtInFunctions).length < 100 || Object.keys(builtInProcedures).length < 20) {
    die('the built-in function/procedure lists from the package look truncated; refusing to lint');
  }
  return { functions: builtInFunctions, procedures: builtInProcedures };
}

const REGISTRIES = builtInRegistries();

function dbSchemaFor(parameters, version) {
  return {
    defaultLanguage: version,
    parameters,
    functions: { [version]: REGISTRIES.functions },
    procedures: { [version]: REGISTRIES.procedures },
  };
}

function lintAs(query, parameters, version) {
  const { diagnostics } = lintCypherQuery(query, dbSchemaFor(parameters, version), {
    consoleCommandsEnabled: false, // `:param` and friends are not Cypher
  });
  return diagnostics.map((d) => ({
    severity: SEVERITY[d.severity] ?? 'error',
    message: version === CYPHER_VERSION ? d.message : `(${version}) ${d.message}`,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
  }));
}

// The diagnostics of every version, each said once.
function lint(query, parameters) {
  const seen = new Set();
  return CYPHER_VERSIONS.flatMap((version) => lintAs(query, parameters, version)).filter((d) => {
    const key = `${d.line}:${d.column}:${d.message.replace(/^\(CYPHER \d+\) /, '')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkCanaries() {
  const canaries = [
    {
      query: 'MATCH (n) RETURN m',
      wants: 'an error about the undefined variable m',
      ok: (ds) => ds.some((d) => d.severity === 'error' && /\bm\b/.test(d.message)),
    },
    {
      query: 'MATCH (n RETURN n',
      wants: 'a syntax error',
      ok: (ds) => ds.some((d) => d.severity === 'error'),
    },
    {
      query: 'MATCH (h) CALL { WITH h MATCH (h)-->(x) RETURN count(x) AS c } RETURN c',
      wants: 'a deprecation warning for CALL { } without a variable scope clause',
      ok: (ds) => ds.some((d) => d.message.includes('without a variable scope clause')),
    },
    {
      query: 'RETURN kflowNoSuchFunction(1) AS x',
      wants: 'an error about an unknown function (strict mode)',
      ok: (ds) => ds.some((d) => d.severity === 'error' && d.message.includes('kflowNoSuchFunction')),
    },
  ];
  for (const canary of canaries) {
    let diagnostics;
    try {
      diagnostics = lint(canary.query, {});
    } catch (err) {
      die(`canary \`${canary.query}\` made the linter throw: ${err?.stack ?? err}`);
    }
    if (!canary.ok(diagnostics)) {
      die(
        `LINTER IS NOT WORKING: canary \`${canary.query}\` should give ${canary.wants} ` +
          `but gave ${JSON.stringify(diagnostics)}. The dbSchema is probably malformed ` +
          '(the linter then reports nothing at all); no case was linted.',
      );
    }
  }
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseCases(text) {
  let cases;
  try {
    cases = JSON.parse(text);
  } catch (err) {
    die(`stdin is not valid JSON: ${err.message}`);
  }
  if (!Array.isArray(cases)) die('stdin must be a JSON array of {id, query, parameters}');
  const seen = new Set();
  cases.forEach((c, i) => {
    const where = `case #${i}${isPlainObject(c) && typeof c.id === 'string' ? ` (${c.id})` : ''}`;
    if (!isPlainObject(c)) die(`${where} is not an object`);
    if (typeof c.id !== 'string' || c.id === '') die(`${where}: "id" must be a non-empty string`);
    if (seen.has(c.id)) die(`${where}: duplicate id`);
    seen.add(c.id);
    if (typeof c.query !== 'string' || c.query.trim() === '') {
      die(`${where}: "query" must be a non-empty string`);
    }
    if (c.parameters !== undefined && !isPlainObject(c.parameters)) {
      die(`${where}: "parameters" must be an object mapping names to sample values`);
    }
  });
  return cases;
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const cases = parseCases(await readStdin());
checkCanaries();

const results = cases.map((c) => {
  try {
    return { id: c.id, diagnostics: lint(c.query, c.parameters ?? {}) };
  } catch (err) {
    return die(`the linter threw on ${c.id}: ${err?.stack ?? err}`);
  }
});

process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
process.exitCode = 0;
