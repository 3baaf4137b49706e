import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelay, type Relay, RelayKind } from '../../server/src/collab/relay.js';
import { startTestApp } from '../support/app.js';
import { until } from '../support/collab.js';

// Two relays on the real Redis stand for two server processes holding one document.
let t: Awaited<ReturnType<typeof startTestApp>>;
const relays: Relay[] = [];

function relay(received: RelayKind[] = []): Relay {
  const r = createRelay(t.app.ctx, {
    onDocMessage: (_docId, kind) => received.push(kind),
    onControl: () => undefined,
    onResubscribed: () => undefined,
  });
  relays.push(r);
  return r;
}

beforeAll(async () => {
  t = await startTestApp('collab-relay');
});
afterAll(async () => {
  for (const r of relays) await r.close();
  await t?.close();
});

describe('collab relay between processes', () => {
  it('a process that published while unsubscribed (an unloading room) relays again once it reloads', async () => {
    const docId = new ObjectId().toHexString();
    const atY: RelayKind[] = [];
    const x = relay();
    const y = relay(atY);
    await Promise.all([x.start(), y.start()]);
    await Promise.all([x.join(docId), y.join(docId)]);

    // X unloads the document; its last awareness goes out after it left (one receiver: Y, not X).
    await x.leave(docId);
    x.publish(docId, RelayKind.awareness, new Uint8Array([0]));
    await until(() => atY.length === 1, 'the last awareness at Y');
    await new Promise((r) => setTimeout(r, 100)); // X has the publish's receiver count by now

    // X loads it again, says hello (Y has nothing to answer), then an edit on X must reach Y.
    await x.join(docId);
    x.publish(docId, RelayKind.hello, new Uint8Array([0]));
    await until(() => atY.length === 2, 'the hello at Y');
    await new Promise((r) => setTimeout(r, 100));
    x.publish(docId, RelayKind.update, new Uint8Array([1, 2, 3]));
    await until(() => atY.includes(RelayKind.update), 'the edit at Y', 2000);
    expect(atY).toEqual([RelayKind.awareness, RelayKind.hello, RelayKind.update]);
  });

  it('a process alone with a document stops publishing its edits, and resumes when another loads it', async () => {
    const docId = new ObjectId().toHexString();
    const atY: RelayKind[] = [];
    const x = relay();
    const y = relay(atY);
    await Promise.all([x.start(), y.start()]);
    await x.join(docId);
    x.publish(docId, RelayKind.update, new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 100)); // one receiver (X itself): X is alone
    await y.join(docId);
    x.publish(docId, RelayKind.update, new Uint8Array([2]));
    await new Promise((r) => setTimeout(r, 200));
    expect(atY).toEqual([]); // skipped: Y recovers it from its hello, below
    y.publish(docId, RelayKind.hello, new Uint8Array([0]));
    await new Promise((r) => setTimeout(r, 100));
    x.publish(docId, RelayKind.update, new Uint8Array([3]));
    await until(() => atY.includes(RelayKind.update), 'the edit at Y after its hello', 2000);
  });
});
