import {
  baggageEntryMetadataFromString,
  type Context,
  propagation,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { log } from '../diag/index.js';
import { MAX_BAGGAGE_BYTES, parseBaggage, serializeBaggage } from './baggage-codec.js';
import { guard } from './guard.js';
import { HeaderReader, INVALID } from './headers.js';

export const BAGGAGE_HEADER = 'baggage';

/**
 * W3C Baggage. Malformed list-members are dropped one at a time (the rest still propagate);
 * values are percent-decoded on extract and encoded on inject; properties are kept as the entry's
 * metadata; the 8192-byte limit is applied both ways by dropping whole members.
 */
export class StrictBaggagePropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    guard('baggage inject', () => this.doInject(context, carrier, setter), undefined);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return guard('baggage extract', () => this.doExtract(context, carrier, getter), context);
  }

  fields(): string[] {
    return [BAGGAGE_HEADER];
  }

  private doInject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const baggage = propagation.getBaggage(context);
    if (!baggage) return;
    const entries = baggage
      .getAllEntries()
      .map(([key, entry]) => [key, { value: entry.value, properties: entry.metadata?.toString() }] as const);
    const { header, dropped } = serializeBaggage(entries);
    if (dropped > 0) {
      log.debug(`baggage inject dropped ${dropped} entries (invalid key or over ${MAX_BAGGAGE_BYTES} bytes)`);
    }
    if (header !== '') setter.set(carrier, BAGGAGE_HEADER, header);
  }

  private doExtract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const values = new HeaderReader(getter, carrier).all(BAGGAGE_HEADER);
    if (values === undefined || values === INVALID) return context;
    // Several baggage headers are one list (RFC 7230 §3.2.2).
    const { members, malformed, overLimit } = parseBaggage(values.join(','));
    if (malformed > 0 || overLimit > 0) {
      log.debug(`baggage extract dropped ${malformed} malformed and ${overLimit} over-limit list-members`);
    }
    if (members.length === 0) return context;
    const entries = Object.fromEntries(
      members.map((m) => [
        m.key,
        m.properties
          ? { value: m.value, metadata: baggageEntryMetadataFromString(m.properties) }
          : { value: m.value },
      ]),
    );
    return propagation.setBaggage(context, propagation.createBaggage(entries));
  }
}
