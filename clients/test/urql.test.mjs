// urql 6 (@urql/core) with the README's client: queries and mutations over HTTP with the key
// in fetchOptions, subscriptions through graphql-ws with the key in connectionParams.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { RECORD_FLOW, flowInput, required, writeSnippet } from '../readme.mjs';

globalThis.WebSocket ??= WebSocket; // what a browser has; Node 20 has none by default
const { kflowUrql } = await import(writeSnippet('urql', 'urql.mjs'));
const url = required('KFLOW_URL');

const FIRMS = `query Firms($first: Int, $after: String, $last: Int, $before: String) {
  firmsConnection(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}`;

test('urql pages firmsConnection forward, then back with last/before to the same firms', async () => {
  const client = kflowUrql(url, required('KFLOW_READER_KEY'));
  const first = await client.query(FIRMS, { first: 1 }).toPromise();
  assert.equal(first.error, undefined, first.error?.message);
  const page = first.data.firmsConnection;
  assert.equal(page.totalCount, 2); // huawei and acme
  assert.deepEqual(page.pageInfo, { ...page.pageInfo, hasNextPage: true, hasPreviousPage: false });
  const next = await client.query(FIRMS, { first: 1, after: page.pageInfo.endCursor }).toPromise();
  const second = next.data.firmsConnection;
  assert.equal(second.pageInfo.hasNextPage, false);
  const back = await client.query(FIRMS, { last: 1, before: second.pageInfo.startCursor }).toPromise();
  const previous = back.data.firmsConnection;
  assert.deepEqual(previous.edges, page.edges);
  assert.equal(previous.pageInfo.hasPreviousPage, false);
  assert.equal(previous.pageInfo.hasNextPage, true);
});

test('urql subscribes over graphql-ws and sees the flow its own mutation records', async () => {
  const client = kflowUrql(url, required('KFLOW_EDITOR_KEY'));
  const id = `acme-flow-urql-${randomUUID()}`;
  let seen;
  const received = new Promise((resolve) => (seen = resolve));
  const feed = client
    .subscription('subscription { recorded(firm: "acme") { flow { id direction } } }', {})
    .subscribe((result) => result.data?.recorded.flow.id === id && seen(result.data.recorded));
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the feed starts when subscribed
    const written = await client.mutation(RECORD_FLOW, { input: flowInput(id) }).toPromise();
    assert.equal(written.error, undefined, written.error?.message);
    assert.equal(written.data.recordFlow.__typename, 'FlowRecorded');
    const recorded = await Promise.race([
      received,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no event in 10 s')), 10_000)),
    ]);
    assert.deepEqual(recorded.flow, { id, direction: 'UPWARD' });
  } finally {
    feed.unsubscribe();
  }
});

test("urql shows a reader's refused mutation as a GraphQL error with its code", async () => {
  const client = kflowUrql(url, required('KFLOW_READER_KEY'));
  const refused = await client.mutation(RECORD_FLOW, { input: flowInput(`acme-urql-${randomUUID()}`) }).toPromise();
  assert.equal(refused.error.graphQLErrors[0].extensions.code, 'FORBIDDEN');
  assert.match(refused.error.message, /editor/);
});

test('urql shows why a bad key is refused (401), not only the status', async () => {
  const client = kflowUrql(url, `kflow_${'0'.repeat(12)}_${'A'.repeat(43)}`);
  const refused = await client.query(FIRMS, { first: 1 }).toPromise();
  assert.equal(refused.error.response.status, 401);
  assert.equal(refused.error.graphQLErrors[0].extensions.code, 'UNAUTHENTICATED');
  assert.match(refused.error.message, /key/);
});
