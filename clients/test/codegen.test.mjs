// GraphQL Code Generator on the live schema with the README's config, then tsc on the
// generated types and the README's typed operation.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLIENTS, RECORD_FLOW, SNIPPETS, required, writeSnippet } from '../readme.mjs';

const project = join(SNIPPETS, 'codegen');
const bin = (name) => join(CLIENTS, 'node_modules', '.bin', name);

function run(command, args) {
  return spawnSync(command, args, {
    cwd: project,
    encoding: 'utf8',
    env: { ...process.env, KFLOW_API_KEY: required('KFLOW_READER_KEY') },
  });
}

function typecheck(...files) {
  const options = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'esnext'];
  return run(bin('tsc'), [...options, '--moduleResolution', 'bundler', ...files]);
}

test('codegen generates from the live schema and the typed operation compiles', () => {
  writeSnippet('codegen', 'codegen/codegen.yml');
  writeSnippet('firm-flows', 'codegen/src/firm-flows.graphql');
  writeSnippet('typed-operation', 'codegen/src/typed.ts');
  writeFileSync(join(project, 'src', 'record-flow.graphql'), RECORD_FLOW);
  const generated = run(bin('graphql-codegen'), ['--config', 'codegen.yml']);
  assert.equal(generated.status, 0, generated.stdout + generated.stderr);
  const types = readFileSync(join(project, 'src', 'kflow.ts'), 'utf8');
  const operation = types.match(/^export type FirmFlowsQuery = .*$/m);
  assert.ok(operation, types);
  assert.match(operation[0], /recordedAt: string \| null/); // DateTime mapped, not any
  assert.match(operation[0], /date: string \| null/); // PartialDate mapped, not any
  assert.match(operation[0], /hasPreviousPage: boolean/);
  assert.match(operation[0], /direction: FlowDirection/);
  const checked = typecheck('src/typed.ts');
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
});

test("a mutation input's date is a PartialDate: a string compiles, a number does not", () => {
  const input = (date) =>
    "import type { RecordFlowMutationVariables } from './kflow';\n" +
    'export const v: RecordFlowMutationVariables = { input: { id: "f", from: "a", to: "b", ' +
    `direction: "UPWARD", mode: "PLANNED", date: ${date}, cite: { paper: "FU2018", where: "Table 3" } } };\n`;
  writeFileSync(join(project, 'src', 'dated.ts'), input('"2024-03"'));
  const dated = typecheck('src/dated.ts');
  assert.equal(dated.status, 0, dated.stdout + dated.stderr);
  writeFileSync(join(project, 'src', 'numbered.ts'), input('2024'));
  const numbered = typecheck('src/numbered.ts');
  assert.notEqual(numbered.status, 0);
  assert.match(numbered.stdout, /number.*string|not assignable to type 'string'/);
});

test('tsc refuses a field the schema does not have', () => {
  writeFileSync(
    join(project, 'src', 'wrong.ts'),
    "import type { FirmFlowsQuery } from './kflow';\n" +
      'export const wrong = (r: FirmFlowsQuery) => r.flows.edges.map((e) => e.node.nope);\n',
  );
  const checked = typecheck('src/wrong.ts');
  assert.notEqual(checked.status, 0);
  assert.match(checked.stdout, /nope/);
});
