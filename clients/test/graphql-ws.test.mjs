// graphql-ws the way a browser uses it: the key in connectionParams, never a header.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { RECORD_FLOW, flowInput, required, writeSnippet } from '../readme.mjs';

globalThis.WebSocket ??= WebSocket; // what a browser has; Node 20 has none by default
const { kflowSocket, onRecorded } = await import(writeSnippet('graphql-ws', 'graphql-ws.mjs'));
const httpUrl = required('KFLOW_URL');
const wsUrl = httpUrl.replace(/^http/, 'ws');

function within(ms, what, promise) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

test('a reader subscribed with connectionParams receives the flow an editor records', async () => {
  const client = kflowSocket(wsUrl, required('KFLOW_READER_KEY'));
  const id = `acme-flow-ws-${randomUUID()}`;
  try {
    let started;
    const subscribed = new Promise((resolve) => (started = resolve));
    client.on('connected', () => setTimeout(started, 700)); // the feed polls every 250 ms
    const received = new Promise((resolve, reject) => {
      onRecorded(client, 'acme', {
        next: (recorded) => recorded.flow?.id === id && resolve(recorded),
        error: reject,
      });
    });
    await within(10_000, 'connection_ack', subscribed);
    const written = await fetch(httpUrl, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${required('KFLOW_EDITOR_KEY')}`,
      },
      body: JSON.stringify({ query: RECORD_FLOW, variables: { input: flowInput(id) } }),
    });
    assert.equal(written.status, 200);
    assert.equal((await written.json()).data.recordFlow.__typename, 'FlowRecorded');
    const recorded = await within(10_000, 'recorded event', received);
    assert.equal(recorded.flow.direction, 'UPWARD');
    assert.deepEqual([recorded.flow.from.id, recorded.flow.to.id], ['acme-uk', 'acme-europe']);
    assert.ok(!Number.isNaN(Date.parse(recorded.recordedAt)), recorded.recordedAt);
  } finally {
    await client.dispose();
  }
});

test("a reader's mutation over the socket is refused with a reason, the socket stays", async () => {
  const client = kflowSocket(wsUrl, required('KFLOW_READER_KEY'));
  try {
    const refused = await within(
      10_000,
      'answer',
      new Promise((resolve) => {
        client.subscribe(
          { query: RECORD_FLOW, variables: { input: flowInput(`acme-flow-ws-${randomUUID()}`) } },
          { next: resolve, error: resolve, complete: () => {} },
        );
      }),
    );
    const errors = refused.errors ?? refused;
    assert.equal(errors[0].extensions.code, 'FORBIDDEN', JSON.stringify(refused));
    assert.match(errors[0].message, /editor/);
    const read = await within(10_000, 'query answer', client.iterate({ query: '{ firm(id: "acme") { name } }' }).next());
    assert.equal(read.value.data.firm.name, 'Acme');
  } finally {
    await client.dispose();
  }
});

for (const [what, key] of [
  ['a bad key', `kflow_${'0'.repeat(12)}_${'A'.repeat(43)}`],
  ['no key', ''],
]) {
  test(`${what} closes the socket with 4401 and a reason the client sees`, async () => {
    const client = kflowSocket(wsUrl, key);
    try {
      const closed = await within(
        10_000,
        'close',
        new Promise((resolve) => {
          client.subscribe({ query: '{ firms { id } }' }, { next: () => {}, error: resolve, complete: () => {} });
        }),
      );
      assert.equal(closed.code, 4401);
      assert.match(closed.reason, /key/i);
    } finally {
      await client.dispose();
    }
  });
}
