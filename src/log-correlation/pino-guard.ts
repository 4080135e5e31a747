import { keepFromCall } from './trace-fields.js';

// The span's values behind the accessors; not enumerable, so neither pino nor Object.assign sees it.
const VALUES = Symbol('@acme/otel/span-values');

type Guarded = Record<string, unknown> & { [VALUES]?: Record<string, unknown> };

/**
 * Makes the span's fields of a mixin's object own accessors. pino merges a log call's fields
 * into the mixin's object with `Object.assign` (its default `mixinMergeStrategy`), so
 * `logger.info(req.query)` with `?trace_id=<another trace>` replaced the span's ids; through the
 * setter, such a value is kept as `<name>_from_call` instead (said once) and the span's stays.
 * Only while a span is active: with none, the call's fields are the line's.
 */
export function fieldGuard(
  names: readonly string[],
): (fields: Record<string, unknown>) => Record<string, unknown> {
  const descriptors: PropertyDescriptorMap = {};
  for (const name of names) {
    descriptors[name] = {
      enumerable: true,
      configurable: true,
      get(this: Guarded) {
        return this[VALUES]?.[name];
      },
      set(this: Guarded, value: unknown) {
        // undefined: pino writes nothing for it, and `{ trace_id: undefined }` drops no id of ours.
        if (value === undefined || value === this[VALUES]?.[name]) return;
        // Ours or, when a child logger's bindings hold the key (undefined here), theirs: either way
        // a second copy in the line would be a duplicate key.
        keepFromCall(this, name, value);
      },
    };
  }
  return (fields) => {
    const values: Record<string, unknown> = Object.create(null);
    for (const name of names) {
      values[name] = fields[name];
      delete fields[name];
    }
    Object.defineProperty(fields, VALUES, { value: values });
    return Object.defineProperties(fields, descriptors);
  };
}

/** Leaves a field out of the line (pino writes no undefined value), guarded or not. */
export function clearField(fields: Record<string, unknown>, name: string): void {
  const values = (fields as Guarded)[VALUES];
  if (values !== undefined) values[name] = undefined;
  else fields[name] = undefined;
}
