import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ResourceInfo, ScopeInfo, SettledMessage, SpanMessage } from './thread-channel.js';

type Refs = Pick<SpanMessage, 's' | 'r' | 'scope' | 'resource'>;

/**
 * In a worker thread: numbers the scopes and resources of the spans it hands over, so a span's
 * message carries two numbers, and the scope or resource itself only the first time
 * (thread-inbox.ts builds the main thread's copies from those). Scopes are numbered by value
 * (a tracer per request must not grow this), resources by object.
 */
export class ThreadNumbering {
  private readonly _scopes = new Map<string, number>();
  private readonly _resources = new WeakMap<Resource, number>();
  private _nextResource = 0;
  /** Numbers whose scope or resource the main thread was sent since the last `reannounce()`. */
  private readonly _toldScopes = new Set<number>();
  private readonly _toldResources = new Set<number>();

  constructor(
    private readonly _threadId: number,
    private readonly _post: (message: SettledMessage) => void,
  ) {}

  /**
   * `full`: with the scope and resource even when sent before, for a main thread that may not have
   * received that message (until it answers the thread's hello). The resource then as it is now.
   */
  refs(scope: InstrumentationScope, resource: Resource, full = false): Refs {
    const key = `${scope.name}\0${scope.version ?? ''}\0${scope.schemaUrl ?? ''}`;
    let s = this._scopes.get(key);
    let newScope: ScopeInfo | undefined;
    if (s === undefined || full || !this._toldScopes.has(s)) {
      if (s === undefined) {
        s = this._scopes.size;
        this._scopes.set(key, s);
      }
      this._toldScopes.add(s);
      newScope = { name: scope.name, version: scope.version, schemaUrl: scope.schemaUrl };
    }
    let r = this._resources.get(resource);
    let newResource: ResourceInfo | undefined;
    if (r === undefined) {
      r = this._nextResource++;
      this._resources.set(resource, r);
      newResource = this._describe(resource, r);
    } else if (full || !this._toldResources.has(r)) {
      newResource = resource.asyncAttributesPending
        ? this._describe(resource, r, false)
        : { attributes: resource.attributes, pending: [], schemaUrl: resource.schemaUrl };
    }
    this._toldResources.add(r);
    return {
      s,
      r,
      ...(newScope ? { scope: newScope } : {}),
      ...(newResource ? { resource: newResource } : {}),
    };
  }

  /**
   * The main thread forgot what it was told (it skipped those messages: thread-inbox.ts, a late
   * answer): each scope and resource goes again with the next span of it.
   */
  reannounce(): void {
    this._toldScopes.clear();
    this._toldResources.clear();
  }

  /**
   * The resource as the main thread needs it. Attributes still being detected (host.id, say) are
   * listed as pending, and their final values follow once they settle. A key's value is the first
   * one set that is not null, as `Resource.attributes` has it: a key is pending when a value still
   * being detected comes before its first known one.
   */
  private _describe(resource: Resource, id: number, tellSettled = true): ResourceInfo {
    const schemaUrl = resource.schemaUrl;
    if (!resource.asyncAttributesPending) return { attributes: resource.attributes, pending: [], schemaUrl };
    const attributes: Attributes = {};
    const pending: string[] = [];
    const decided = new Set<string>();
    for (const [key, value] of resource.getRawAttributes()) {
      if (decided.has(key)) continue;
      if (isPromiseLike(value)) {
        pending.push(key);
        decided.add(key);
      } else if (value != null) {
        attributes[key] = value as AttributeValue;
        decided.add(key);
      }
    }
    if (!tellSettled) return { attributes, pending, schemaUrl };
    void resource.waitForAsyncAttributes?.().then(() => {
      try {
        this._post({ t: this._threadId, settled: id, attributes: resource.attributes });
      } catch {
        // The channel is closed (this thread's tracing shut down): nothing more is handed over.
      }
    });
    return { attributes, pending, schemaUrl };
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
