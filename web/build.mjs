// Bundles the explorer page into service/api/explorer_static/, which the API serves at /explore.
// Everything the page needs ends up in that directory: it loads nothing else at run time.
import { cp, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "service", "api", "explorer_static");

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
