// Apollo Client 4 with the README's cache: possibleTypes from schema/possible-types.json and
// relayStylePagination on the connections.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { gql } from '@apollo/client';
import { CLIENTS, RECORD_FLOW, SNIPPETS, flowInput, required, writeSnippet } from '../readme.mjs';

const module = writeSnippet('apollo', 'apollo/client.mjs');
copyFileSync(join(CLIENTS, '..', 'schema', 'possible-types.json'), join(SNIPPETS, 'apollo', 'possible-types.json'));
const { kflowApollo } = await import(module);
const url = required('KFLOW_URL');

const FLOWS = gql`
  query Flows($firm: ID!, $after: String) {
    flows(firm: $firm, first: 2, after: $after) {
      edges { cursor node { id direction } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

test('fetchMore appends the next page through the connection type policy', async () => {
  const client = kflowApollo(url, required('KFLOW_READER_KEY'));
  const first = await client.query({ query: FLOWS, variables: { firm: 'huawei' } });
  const page = first.data.flows;
  assert.equal(page.edges.length, 2);
  assert.equal(page.pageInfo.hasNextPage, true);
  assert.equal(page.pageInfo.hasPreviousPage, false);
  const watched = client.watchQuery({ query: FLOWS, variables: { firm: 'huawei' } });
  await watched.fetchMore({ variables: { after: page.pageInfo.endCursor } });
  const merged = client.readQuery({ query: FLOWS, variables: { firm: 'huawei' } }).flows.edges;
  assert.equal(merged.length, 4);
  assert.equal(new Set(merged.map((edge) => edge.node.id)).size, 4);
  assert.deepEqual(merged.slice(0, 2).map((e) => e.node.id), page.edges.map((e) => e.node.id));
});

test('a Flow fetched by node(id) is read back through a fragment on Node (possibleTypes)', async () => {
  const client = kflowApollo(url, required('KFLOW_READER_KEY'));
  const listed = await client.query({ query: FLOWS, variables: { firm: 'huawei' } });
  const id = listed.data.flows.edges[0].node.id;
  const NODE = gql`
    query Node($id: ID!) { node(id: $id) { id ... on Flow { direction mode } } }
  `;
  const fetched = await client.query({ query: NODE, variables: { id } });
  assert.equal(fetched.data.node.__typename, 'Flow');
  const cached = client.cache.readFragment({
    id: client.cache.identify({ __typename: 'Flow', id }),
    fragment: gql`fragment AnyNode on Node { id ... on Flow { direction mode } }`,
  });
  assert.equal(cached.id, id);
  assert.ok(cached.mode, 'the Flow fields of a fragment on Node come from the cache');
});

test('an editor records a flow and the union result normalises into the cache', async () => {
  const client = kflowApollo(url, required('KFLOW_EDITOR_KEY'));
  const id = `acme-flow-apollo-${randomUUID()}`;
  const { data } = await client.mutate({ mutation: gql(RECORD_FLOW), variables: { input: flowInput(id) } });
  assert.equal(data.recordFlow.__typename, 'FlowRecorded');
  const identity = client.cache.identify({ __typename: 'Flow', id });
  assert.equal(client.cache.extract()[identity].direction, 'UPWARD');
});

test('a refused request (401) shows the server reason as a GraphQL error', async () => {
  const client = kflowApollo(url, `kflow_${'0'.repeat(12)}_${'A'.repeat(43)}`);
  await assert.rejects(client.query({ query: FLOWS, variables: { firm: 'huawei' } }), (error) => {
    assert.equal(error.name, 'CombinedGraphQLErrors', `${error.name}: ${error.message}`);
    assert.equal(error.errors[0].extensions.code, 'UNAUTHENTICATED');
    assert.match(error.message, /not valid/);
    return true;
  });
});

test('a document over the size limit (413) shows its reason as a GraphQL error', async () => {
  const client = kflowApollo(url, required('KFLOW_READER_KEY'));
  // Padded inside the document: Apollo sends it printed, without its comments.
  const huge = gql(`query Huge { node(id: "${'x'.repeat(100_001)}") { id } }`);
  await assert.rejects(client.query({ query: huge }), (error) => {
    assert.equal(error.name, 'CombinedGraphQLErrors', `${error.name}: ${error.message}`);
    assert.equal(error.errors[0].extensions.code, 'DOCUMENT_TOO_LARGE');
    assert.match(error.message, /the limit is 100000 \(KFLOW_GRAPHQL_MAX_DOCUMENT_BYTES\)/);
    return true;
  });
});
