// Apollo Client 4 (the README's client) over the rate limit: the 429's reason reaches the
// application as a GraphQL error. Run by tests/test_clients.py against a server of its own
// with KFLOW_RATE_LIMIT_PER_MINUTE, apart from the tests in test/ (their server has none).
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gql } from '@apollo/client';
import { CLIENTS, SNIPPETS, required, writeSnippet } from '../readme.mjs';

const module = writeSnippet('apollo', 'apollo/client.mjs');
copyFileSync(join(CLIENTS, '..', 'schema', 'possible-types.json'), join(SNIPPETS, 'apollo', 'possible-types.json'));
const { kflowApollo } = await import(module);

test('a request over the rate limit (429) shows its reason and when to retry', async () => {
  const client = kflowApollo(required('KFLOW_URL'), required('KFLOW_READER_KEY'));
  const limit = Number(required('KFLOW_RATE_LIMIT'));
  const refusals = [];
  // 2 * limit + 1 requests, well within two minutes: one minute sees limit + 1.
  for (let n = 0; n < 2 * limit + 1; n += 1) {
    try {
      await client.query({ query: gql`query Typename { __typename }`, fetchPolicy: 'no-cache' });
    } catch (error) {
      refusals.push(error);
    }
  }
  assert.ok(refusals.length > 0, 'no request was refused over the rate limit');
  const [error] = refusals;
  assert.equal(error.name, 'CombinedGraphQLErrors', `${error.name}: ${error.message}`);
  const [refusal] = error.errors;
  assert.equal(refusal.extensions.code, 'RATE_LIMITED');
  assert.ok(refusal.extensions.retryAfter >= 1 && refusal.extensions.retryAfter <= 60);
  assert.match(error.message, /KFLOW_RATE_LIMIT_PER_MINUTE\); retry in \d+ s/);
});
