import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import { CLAIM_OWN, FLOW, type ResourceInfo, type ScopeInfo } from './thread-channel.js';

/** Losses a thread counted since the last look (thread-handoff.ts). */
export interface ThreadLosses {
  dropped: number;
  truncated: number;
  tooLarge: number;
  unencodable: number;
}

/**
 * The longest a thread's resource may take to settle (detectors have their own, shorter, timeouts);
 * past it, the attributes still pending are left out rather than stall the export loop.
 */
const SETTLE_MAX_MILLIS = 10_000;

const INT32_MAX = 2 ** 31 - 1;

const LOSS_SLOTS = [FLOW.DROPPED, FLOW.TRUNCATED, FLOW.TOO_LARGE, FLOW.UNENCODABLE] as const;

/**
 * In the main thread: one worker thread that hands spans over. Holds the thread's flow counters
 * (shared memory) and the main thread's copies of its scopes and resources, built from what its
 * first span of each carried. A resource with attributes still being detected is built with a
 * promise for each of those, settled when the thread sends their final values: the batch
 * processor waits for them as it does for the main thread's own resource.
 */
export class ThreadPeer {
  private readonly _scopes = new Map<number, InstrumentationScope>();
  private readonly _resources = new Map<number, Resource>();
  private readonly _settle = new Map<number, (attributes: Attributes) => void>();
  private readonly _seen = [0, 0, 0, 0];
  /** Its Worker emitted `exit`: forgotten once nothing of it is in the channel. */
  exited = false;
  /**
   * It had given up waiting for us when we read its hello: its spans are taken only once it says
   * it switched to us (what it posted before, its own exporter sent).
   */
  late = false;

  constructor(private readonly _flow: Int32Array) {}

  /** Spans it posted, or ended and is posting, that the main thread has not taken yet. */
  get inFlight(): number {
    return Atomics.load(this._flow, FLOW.IN_FLIGHT_SPANS);
  }

  /**
   * At exit, once the drain stopped waiting: the spans still on their way from it (ended, and not
   * taken), which nothing will take now; taken off, so that none is counted twice. None from a
   * thread answered late that has not switched yet: what it posted is its own exporter's (FLOW.HELD).
   */
  takeUnreceived(): number {
    if (this.late) return 0;
    return Math.max(0, Atomics.exchange(this._flow, FLOW.IN_FLIGHT_SPANS, 0));
  }

  /**
   * Spans still open in it that nothing will end: it ended without its `exit` event (terminated,
   * or stopped as the process exits), where its exit path would have ended and sent them.
   */
  get openLost(): number {
    if (Atomics.load(this._flow, FLOW.EXITED) === 1) return 0;
    return Math.max(0, Atomics.load(this._flow, FLOW.OPEN));
  }

  /**
   * It ended without its `exit` event: the spans that went with it (FLOW.HELD), those its own
   * exporter held (queued, or being exported), or those it posted while it waited for an answer
   * that none gave; none when the main thread took it. Decided with the main thread in shared
   * memory: a hello of it read from now on is not taken.
   */
  takeHeldLost(): number {
    if (Atomics.load(this._flow, FLOW.EXITED) === 1) return 0;
    if (Atomics.compareExchange(this._flow, FLOW.CLAIM, 0, CLAIM_OWN) > 0) return 0;
    return Math.max(0, Atomics.load(this._flow, FLOW.HELD));
  }

  /** Its `exit` event ran, or what went with it was said (`markEnded`): it ends no more spans. */
  get ended(): boolean {
    return Atomics.load(this._flow, FLOW.EXITED) === 1;
  }

  /** What went with it was said (`reportStoppedThread`): not counted again (the exit path's drain). */
  markEnded(): void {
    Atomics.store(this._flow, FLOW.EXITED, 1);
  }

  /** The bounds it applies to what waits in the channel, for the drop line. */
  get bounds(): { spans: number; bytes: number } {
    return {
      spans: Atomics.load(this._flow, FLOW.MAX_SPANS),
      bytes: Atomics.load(this._flow, FLOW.MAX_BYTES),
    };
  }

  /** The request limit the main thread's exporter learned (0: none), for the thread to truncate its spans to. */
  setRequestBytes(bytes: number): void {
    Atomics.store(this._flow, FLOW.REQUEST_BYTES, Math.min(bytes, INT32_MAX));
  }

  /** A span of `bytes` was taken from the channel. */
  taken(bytes: number): void {
    Atomics.sub(this._flow, FLOW.IN_FLIGHT_SPANS, 1);
    Atomics.sub(this._flow, FLOW.IN_FLIGHT_BYTES, bytes);
  }

  /** What it lost since the last call. */
  losses(): ThreadLosses {
    const now = LOSS_SLOTS.map((slot) => Atomics.load(this._flow, slot));
    const delta = now.map((n, i) => n - this._seen[i]!);
    for (let i = 0; i < now.length; i++) this._seen[i] = now[i]!;
    return { dropped: delta[0]!, truncated: delta[1]!, tooLarge: delta[2]!, unencodable: delta[3]! };
  }

  scope(id: number, info: ScopeInfo | undefined): InstrumentationScope | undefined {
    if (info && !this._scopes.has(id)) {
      this._scopes.set(id, {
        name: info.name,
        ...(info.version === undefined ? {} : { version: info.version }),
        ...(info.schemaUrl === undefined ? {} : { schemaUrl: info.schemaUrl }),
      });
    }
    return this._scopes.get(id);
  }

  resource(id: number, info: ResourceInfo | undefined): Resource | undefined {
    const known = this._resources.get(id);
    if (!info) return known;
    if (!known) {
      const built = this._build(id, info);
      this._resources.set(id, built);
      return built;
    }
    // Told again (a thread's messages carry it until answered): settled since, when it says so.
    if (info.pending.length === 0) this.settle(id, info.attributes);
    return known;
  }

  /** The thread ended: attributes it never sent stay unset. */
  abandon(): void {
    for (const id of [...this._settle.keys()]) this.settle(id, {});
  }

  /** Resource `id`'s attributes settled in the thread: `attributes` are the final ones. */
  settle(id: number, attributes: Attributes): void {
    this._settle.get(id)?.(attributes);
    this._settle.delete(id);
  }

  private _build(id: number, info: ResourceInfo): Resource {
    const options = info.schemaUrl === undefined ? undefined : { schemaUrl: info.schemaUrl };
    if (info.pending.length === 0) return resourceFromAttributes(info.attributes, options);
    const settled = new Promise<Attributes>((resolve) => {
      // Never wait forever: the export loop waits for this (a thread may end before it settles).
      const timer = setTimeout(() => this.settle(id, {}), SETTLE_MAX_MILLIS);
      timer.unref();
      this._settle.set(id, (final) => {
        clearTimeout(timer);
        resolve(final);
      });
    });
    const attributes: Record<string, AttributeValue | undefined | Promise<AttributeValue | undefined>> = {
      ...info.attributes,
    };
    for (const key of info.pending) attributes[key] = settled.then((final) => final[key]);
    return resourceFromAttributes(attributes, options);
  }
}
