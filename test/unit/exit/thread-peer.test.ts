// A worker thread's resource as the main thread rebuilds it (thread-numbering.ts in the thread,
// thread-peer.ts in the main thread): attributes still being detected when the thread sent its
// first span arrive later, and the export loop waits for them as for its own resource.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import type { SettledMessage } from '../../../src/exit/thread-channel.js';
import { ThreadNumbering } from '../../../src/exit/thread-numbering.js';
import { ThreadPeer } from '../../../src/exit/thread-peer.js';

const flow = () => new Int32Array(new SharedArrayBuffer(32));

describe('a worker thread’s scopes and resources in the main thread', () => {
  it('sends a scope and a resource with the first span of each only; scopes by value', () => {
    const numbering = new ThreadNumbering(7, () => undefined);
    const resource = resourceFromAttributes({ 'service.name': 'w' });
    const first = numbering.refs({ name: 'a', version: '1' }, resource);
    expect(first).toEqual({
      s: 0,
      r: 0,
      scope: { name: 'a', version: '1', schemaUrl: undefined },
      resource: { attributes: { 'service.name': 'w' }, pending: [], schemaUrl: undefined },
    });
    expect(numbering.refs({ name: 'a', version: '1' }, resource)).toEqual({ s: 0, r: 0 });
    expect(numbering.refs({ name: 'b' }, resource)).toMatchObject({ s: 1, r: 0, scope: { name: 'b' } });
    const peer = new ThreadPeer(flow());
    expect(peer.scope(0, first.scope)).toEqual({ name: 'a', version: '1' });
    expect(peer.scope(0, undefined)).toEqual({ name: 'a', version: '1' });
    expect(peer.resource(0, first.resource)?.attributes).toEqual({ 'service.name': 'w' });
  });

  it('sends each again with its next span after reannounce() (a main thread that skipped them)', () => {
    const numbering = new ThreadNumbering(7, () => undefined);
    const resource = resourceFromAttributes({ 'service.name': 'w' });
    numbering.refs({ name: 'a' }, resource);
    expect(numbering.refs({ name: 'a' }, resource)).toEqual({ s: 0, r: 0 });
    numbering.reannounce();
    expect(numbering.refs({ name: 'a' }, resource)).toMatchObject({
      s: 0,
      r: 0,
      scope: { name: 'a' },
      resource: { attributes: { 'service.name': 'w' }, pending: [] },
    });
    expect(numbering.refs({ name: 'a' }, resource)).toEqual({ s: 0, r: 0 });
  });

  it('a resource still detecting: pending in the main thread until the thread sends its final attributes', async () => {
    let detect!: (id: string) => void;
    const hostId = new Promise<string>((resolve) => {
      detect = resolve;
    });
    const resource = resourceFromAttributes({ 'service.name': 'w', 'host.id': hostId });
    const posted: SettledMessage[] = [];
    const refs = new ThreadNumbering(7, (m) => posted.push(m)).refs({ name: 'a' }, resource);
    expect(refs.resource).toEqual({
      attributes: { 'service.name': 'w' },
      pending: ['host.id'],
      schemaUrl: undefined,
    });
    const peer = new ThreadPeer(flow());
    const copy = peer.resource(refs.r, refs.resource)!;
    expect(copy.asyncAttributesPending).toBe(true);
    detect('h-1');
    await resource.waitForAsyncAttributes?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(posted).toEqual([{ t: 7, settled: 0, attributes: { 'service.name': 'w', 'host.id': 'h-1' } }]);
    peer.settle(posted[0]!.settled, posted[0]!.attributes);
    await copy.waitForAsyncAttributes?.();
    expect(copy.asyncAttributesPending).toBe(false);
    expect(copy.attributes).toEqual({ 'service.name': 'w', 'host.id': 'h-1' });
  });

  it('a thread that ended before its resource settled does not hold the export loop', async () => {
    const resource = resourceFromAttributes({ 'host.id': new Promise<string>(() => undefined) });
    const refs = new ThreadNumbering(7, () => undefined).refs({ name: 'a' }, resource);
    const peer = new ThreadPeer(flow());
    const copy = peer.resource(refs.r, refs.resource)!;
    peer.abandon();
    await copy.waitForAsyncAttributes?.();
    expect(copy.attributes).toEqual({});
  });

  it('reads what the thread lost since the last look, and what it has in flight', () => {
    const counters = flow();
    const peer = new ThreadPeer(counters);
    Atomics.store(counters, 0, 3);
    Atomics.store(counters, 1, 300);
    Atomics.store(counters, 2, 5);
    Atomics.store(counters, 3, 1);
    peer.taken(100);
    expect(peer.inFlight).toBe(2);
    expect(Atomics.load(counters, 1)).toBe(200);
    expect(peer.losses()).toEqual({ dropped: 5, truncated: 1, tooLarge: 0, unencodable: 0 });
    Atomics.add(counters, 2, 2);
    expect(peer.losses()).toEqual({ dropped: 2, truncated: 0, tooLarge: 0, unencodable: 0 });
  });

  it('at exit, takes what is still on its way once; none from a thread answered late (its own exporter’s)', () => {
    const counters = flow();
    const peer = new ThreadPeer(counters);
    Atomics.store(counters, 0, 2);
    expect(peer.takeUnreceived()).toBe(2);
    expect(peer.takeUnreceived()).toBe(0);
    expect(peer.inFlight).toBe(0);
    const late = new ThreadPeer(counters);
    late.late = true;
    Atomics.store(counters, 0, 4);
    expect(late.takeUnreceived()).toBe(0);
    expect(late.inFlight).toBe(4);
  });
});
