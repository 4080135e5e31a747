import {
  type Context,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { onRejection } from '../util/rejection.js';
import { B3_CONTEXT_KEYS } from './b3-context.js';
import { logGivenSkipped, logSkipped, propagatorName } from './guard.js';
import { isStrictSpanContext } from './ids.js';

/**
 * Runs several propagators. `inject` writes every format. `extract` runs every propagator, so
 * baggage and trace formats all apply, but the span context comes from the FIRST propagator in
 * list order that extracts a valid one; later trace formats cannot overwrite it. (Upstream's
 * CompositePropagator lets the last one win.) The default list puts `tracecontext` first, so W3C
 * wins over B3 when a request carries both: it is the newer, standardised format, and its
 * tracestate and random flag would be lost if B3 replaced it.
 */
export class StrictCompositePropagator implements TextMapPropagator {
  private readonly propagators: readonly TextMapPropagator[];
  /** Each propagator's name, for the line that says a step of it threw (guard.ts). */
  private readonly names: readonly string[];
  /** How a step of each that threw is logged: a warning once for one given in code, debug for ours. */
  private readonly logs: readonly ((what: string, error: unknown) => void)[];
  /** Which were given in code: what they return is checked (ours return a Context, or nothing). */
  private readonly given: readonly boolean[];

  /** `given`: the members given in code (not built from a name), whose failures are warned of. */
  constructor(propagators: readonly TextMapPropagator[], given: ReadonlySet<TextMapPropagator> = new Set()) {
    this.propagators = [...propagators];
    this.names = this.propagators.map(propagatorName);
    this.logs = this.propagators.map((p) => (given.has(p) ? logGivenSkipped : logSkipped));
    this.given = this.propagators.map((p) => given.has(p));
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    for (let i = 0; i < this.propagators.length; i++) {
      try {
        const returned: unknown = this.propagators[i]!.inject(context, carrier, setter);
        // An `async inject` that threw: its rejection, unhandled, ended the process.
        if (returned !== undefined && this.given[i])
          onRejection(returned, (error) => this.logs[i]!(`${this.names[i]} inject`, error));
      } catch (error) {
        this.logs[i]!(`${this.names[i]} inject`, error);
      }
    }
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    let current = context;
    let extracted = false;
    // Once per incoming request, mostly finding nothing: no closure per propagator, and a
    // propagator that returns its input context unchanged costs one comparison.
    for (let i = 0; i < this.propagators.length; i++) {
      const before = current;
      let after: Context;
      try {
        after = this.propagators[i]!.extract(before, carrier, getter);
        if (after !== before && this.given[i]) after = this.checked(i, after);
      } catch (error) {
        this.logs[i]!(`${this.names[i]} extract`, error);
        continue;
      }
      if (after === before) continue;
      const span = trace.getSpan(after);
      if (span !== trace.getSpan(before)) {
        if (!extracted && isStrictSpanContext(span?.spanContext())) {
          extracted = true;
          current = after;
        } else {
          // A losing (or invalid) trace format: keep what else it extracted (e.g. Jaeger baggage),
          // but not its span context nor the B3 debug / sampling-only values that belong to it.
          current = restoreTraceValues(after, before);
        }
      } else {
        // Span unchanged; once a trace was extracted, a later sampling-only B3 header is moot.
        current = extracted ? restoreTraceValues(after, before) : after;
      }
    }
    return current;
  }

  /**
   * What a propagator given in code extracted, if it is a Context; else a throw, so that it is
   * skipped and said. `null`, a string or a Promise (an `async extract`, whose rejection also went
   * unhandled) threw out of the next step into node:http's callbacks: the request crashed the process.
   */
  private checked(i: number, returned: unknown): Context {
    if (
      typeof returned === 'object' &&
      returned !== null &&
      typeof (returned as Context).getValue === 'function' &&
      typeof (returned as Context).setValue === 'function' &&
      typeof (returned as Context).deleteValue === 'function'
    )
      return returned as Context;
    const promise = onRejection(returned, (error) => this.logs[i]!(`${this.names[i]} extract`, error));
    const kind = promise ? 'a Promise' : returned === null ? 'null' : `a ${typeof returned}`;
    throw new TypeError(`it returned ${kind}, not a Context`);
  }

  fields(): string[] {
    const names = new Set<string>();
    for (let i = 0; i < this.propagators.length; i++) {
      try {
        for (const name of this.propagators[i]!.fields()) names.add(name);
      } catch (error) {
        this.logs[i]!(`${this.names[i]} fields`, error);
      }
    }
    return [...names];
  }
}

function restoreTraceValues(after: Context, before: Context): Context {
  const span = trace.getSpan(before);
  let ctx = span ? trace.setSpan(after, span) : trace.deleteSpan(after);
  for (const key of B3_CONTEXT_KEYS) {
    const value = before.getValue(key);
    ctx = value === undefined ? ctx.deleteValue(key) : ctx.setValue(key, value);
  }
  return ctx;
}
