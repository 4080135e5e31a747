import type { TextMapGetter } from '@opentelemetry/api';

// The propagators' hint that a miss is final (../propagation/headers.ts), a registered symbol.
const LOWERCASE_KEYS = Symbol.for('@acme/otel/lowercase-keys');

/** A message's headers, a job payload's metadata: any string-keyed object. */
export type Carrier = Record<string, unknown>;

/**
 * Headers as a list of single-key objects, as node-rdkafka delivers and sends them:
 * `[{ traceparent: <Buffer> }, { 'x-app': 'orders' }]`.
 */
export type HeaderList = Record<string, unknown>[];

/**
 * A getter for one extraction. Reads what brokers actually deliver: exact key first, then a
 * case-insensitive match (`Traceparent` from some HTTP/Kafka clients; several differently-cased
 * keys give all their values, which a propagator treats as a repeated header), Buffers (Kafka,
 * some AMQP clients) as UTF-8, SQS/SNS message attributes by their string value. The case-insensitive lookups share the carrier's keys, listed and
 * lower-cased on the first miss, and a miss is final for our propagators (LOWERCASE_KEYS): each miss
 * listed and lower-cased every key, here and again in each propagator, and they ask for ten or so
 * headers that are usually absent (B3's, `tracestate`), so a message with 50,000 headers cost
 * ~350 ms of CPU.
 */
export function carrierGetter(): TextMapGetter<Carrier | HeaderList | KeyedCollection | GrpcMetadata> & {
  readonly [LOWERCASE_KEYS]: true;
} {
  let indexed: Carrier | undefined;
  let keys: string[] = [];
  let lowered: string[] = [];
  let list: object | undefined;
  let listed: Carrier = {};
  const asObject = (carrier: Carrier | HeaderList | KeyedCollection | GrpcMetadata): Carrier => {
    const entries = Array.isArray(carrier)
      ? fromHeaderList
      : isKeyedCollection(carrier)
        ? fromCollection
        : isGrpcMetadata(carrier)
          ? fromMetadata
          : undefined;
    if (entries === undefined) return carrier as Carrier;
    if (list !== carrier) {
      list = carrier;
      listed = entries(carrier as never);
    }
    return listed;
  };
  return {
    keys: (carrier) => Object.keys(asObject(carrier)),
    get(headers, key) {
      const carrier = asObject(headers);
      const value = carrier[key];
      if (value !== undefined) return toHeaderValue(value);
      if (indexed !== carrier) {
        indexed = carrier;
        keys = Object.keys(carrier);
        lowered = keys.map((k) => k.toLowerCase());
      }
      const lower = key.toLowerCase();
      const first = lowered.indexOf(lower);
      if (first === -1) return undefined;
      if (lowered.indexOf(lower, first + 1) === -1) return toHeaderValue(carrier[keys[first]!]);
      const values: unknown[] = [];
      for (let i = first; i !== -1; i = lowered.indexOf(lower, i + 1)) values.push(carrier[keys[i]!]);
      return toHeaderValue(values.flat());
    },
    [LOWERCASE_KEYS]: true,
  };
}

/**
 * One object for a list of single-key objects: `[{ traceparent }]` was read as an object whose
 * keys are `0`, `1`…, so a node-rdkafka message never had a trace. A key given twice keeps both
 * values (a repeated header).
 */
function fromHeaderList(headers: HeaderList): Carrier {
  const out: Carrier = Object.create(null);
  for (const entry of headers) {
    if (entry === null || typeof entry !== 'object') continue;
    for (const key of Object.keys(entry)) {
      const value = entry[key];
      const had = out[key];
      out[key] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
    }
  }
  return out;
}

/** A Map or a Fetch `Headers` (what `new Request()` and undici hand out): its entries are not properties. */
export interface KeyedCollection {
  forEach(callback: (value: unknown, key: unknown) => void): void;
  set(key: string, value: string): unknown;
}

/**
 * `@grpc/grpc-js`'s `Metadata` (what a gRPC call's client and server hand out): its entries are
 * not properties either, and it has no `forEach`.
 */
export interface GrpcMetadata {
  getMap(): Record<string, unknown>;
  get(key: string): unknown[];
  set(key: string, value: string): void;
}

export function isGrpcMetadata(carrier: unknown): carrier is GrpcMetadata {
  const c = carrier as Partial<GrpcMetadata>;
  return typeof c.getMap === 'function' && typeof c.get === 'function' && typeof c.set === 'function';
}

export function isKeyedCollection(carrier: unknown): carrier is KeyedCollection {
  const c = carrier as Partial<KeyedCollection>;
  return typeof c.forEach === 'function' && typeof c.set === 'function';
}

/**
 * `extractContext(request.headers)` of a Fetch Request, or of a Map, read properties the headers
 * are not, and started a new trace without a word.
 */
function fromCollection(collection: KeyedCollection): Carrier {
  const out: Carrier = Object.create(null);
  collection.forEach((value, key) => {
    if (typeof key === 'string') out[key] = value;
  });
  return out;
}

/**
 * `extractContext(call.metadata)` read the Metadata object's own properties (its internal map and
 * options), found no header and started a new trace; `injectContext(metadata)` set a property
 * that gRPC never sends. Each key with all its values (a binary `-bin` value is a Buffer).
 */
function fromMetadata(metadata: GrpcMetadata): Carrier {
  const out: Carrier = Object.create(null);
  for (const key of Object.keys(metadata.getMap())) {
    const values = metadata.get(key);
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

function toHeaderValue(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) {
    const strings = value.map(toHeaderValue).filter((v): v is string => typeof v === 'string');
    return strings.length > 0 ? strings : undefined;
  }
  return attributeValue(value);
}

/**
 * An SQS message attribute (`{ DataType: 'String', StringValue }`) or an SNS one as SQS delivers
 * it in the body (`{ Type: 'String', Value }`): `withExtractedContext(message.MessageAttributes,
 * …)` found no string and started a new trace.
 */
function attributeValue(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const attribute = value as { StringValue?: unknown; Value?: unknown; Type?: unknown };
  if (typeof attribute.StringValue === 'string') return attribute.StringValue;
  if (typeof attribute.Value === 'string' && typeof attribute.Type === 'string') return attribute.Value;
  return undefined;
}

// A property of a Headers or Map object is no header: fetch sent no traceparent.
export const collectionSetter = {
  set(collection: KeyedCollection | GrpcMetadata, key: string, value: string): void {
    collection.set(key, value);
  },
};

export const headerListSetter = {
  set(headers: HeaderList, key: string, value: string): void {
    // A message re-published with its headers must not carry two traceparents.
    for (let i = headers.length - 1; i >= 0; i--) {
      const entry = headers[i];
      if (entry === null || typeof entry !== 'object' || !Object.hasOwn(entry, key)) continue;
      if (Object.keys(entry).length === 1) headers.splice(i, 1);
      else delete entry[key];
    }
    headers.push({ [key]: value });
  },
};
