// Bundles the explorer page into service/api/explorer_static/, which the API serves at /explore,
// and GraphiQL into service/api/graphiql_static/, served at /graphql. Everything each page
// needs ends up in its directory: neither loads anything else at run time.
import { cp, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "service", "api", "explorer_static");
const graphiqlOut = join(here, "..", "service", "api", "graphiql_static");

// Start clean so a file dropped from src/ does not linger in the served directory.
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await esbuild.build({
  entryPoints: {
    explorer: join(here, "src", "main.js"),
    "explorer-style": join(here, "src", "explorer.css"),
  },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "iife",
  // Current Chromium and Firefox; nothing older is promised.
  target: ["chrome120", "firefox120"],
  legalComments: "linked",
  logLevel: "warning",
});
await cp(join(here, "src", "index.html"), join(out, "index.html"));
console.log(`explorer bundle written to ${out}`);

// The README's ```graphql blocks become GraphiQL's tabs, so the examples shown are the ones
// documented; a block's first line, a `# comment`, names its tab.
const readme = await readFile(join(here, "..", "README.md"), "utf8");
const examples = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => ({
  query: match[1].trim() + "\n",
}));

await rm(graphiqlOut, { recursive: true, force: true });
await mkdir(graphiqlOut, { recursive: true });
await esbuild.build({
  entryPoints: { graphiql: join(here, "src", "graphiql.js") },
  outdir: graphiqlOut,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome120", "firefox120"],
  legalComments: "linked",
  logLevel: "warning",
  define: {
    KFLOW_EXAMPLES: JSON.stringify(examples),
    "process.env.NODE_ENV": '"production"',
  },
});
await cp(join(here, "src", "graphiql.html"), join(graphiqlOut, "index.html"));
console.log(`GraphiQL bundle written to ${graphiqlOut} with ${examples.length} example tabs`);
