// The README's client snippets, read out of README.md by their `kflow-client: NAME` comment
// and written where the tests import them, so the tests run what the README shows.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLIENTS = dirname(fileURLToPath(import.meta.url));
const README = join(CLIENTS, '..', 'README.md');
export const SNIPPETS = join(CLIENTS, '.snippets');

export function snippet(name) {
  const blocks = readFileSync(README, 'utf8').matchAll(/^```\w+\n([\s\S]*?)^```$/gm);
  const marker = new RegExp(`^(//|#) kflow-client: ${name}\\n`);
  const found = [...blocks].map((block) => block[1]).filter((text) => marker.test(text));
  if (found.length !== 1) {
    throw new Error(`README.md has ${found.length} blocks marked kflow-client: ${name}, not 1`);
  }
  return found[0];
}

export function writeSnippet(name, path) {
  const target = join(SNIPPETS, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, snippet(name));
  return target;
}

export function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: tests/test_clients.py sets it`);
  return value;
}

// A flow record an editor may write, its id unique to the run.
export function flowInput(id) {
  return {
    id,
    from: 'acme-uk',
    to: 'acme-europe',
    direction: 'UPWARD',
    mode: 'PLANNED',
    cite: { paper: 'FU2018', where: 'Figure 1' },
  };
}

export const RECORD_FLOW = `mutation RecordFlow($input: FlowInput!) {
  recordFlow(input: $input) {
    __typename
    ... on FlowRecorded { flow { id direction } }
    ... on Rejected { problems { field message } }
  }
}`;
