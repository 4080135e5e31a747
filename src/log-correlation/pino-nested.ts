import { log } from '../diag/index.js';
import { clearField } from './pino-guard.js';
import { pinoSymbolValue } from './pino-state.js';

// The correlation fields of the line being written, for pinoStreamWrite: set by the mixin and
// taken by the hook within the same synchronous `logger.info()` call.
let pending: string | undefined;

/**
 * With pino's `nestedKey`, everything the mixin returns lands under that key
 * (`{"payload":{"trace_id":…}}`), where log backends do not look for the trace, and a child
 * logger's bound `trace_id` stays at the top level beside it. When the logger's
 * `hooks.streamWrite` is {@link pinoStreamWrite}, the fields the mixin would nest are handed to it
 * instead and leave `fields` (as `undefined`, which pino does not write; this also takes back
 * instrumentation-pino's copy); without the hook they stay nested, said once.
 */
export function nestedFieldsToTopLevel(
  fields: Record<string, string | undefined>,
  names: readonly string[],
  logger: object,
): void {
  pending = undefined;
  if (!pinoSymbolValue(logger, 'pino.nestedKey')) return;
  const hooks = pinoSymbolValue(logger, 'pino.hooks') as { streamWrite?: unknown } | undefined;
  if (hooks?.streamWrite !== pinoStreamWrite) {
    log.warnOnce(
      'pino: nestedKey without the hook',
      "pino's nestedKey puts pinoMixin's trace_id/span_id under that key, where log backends do not look for them; add hooks: { streamWrite: pinoStreamWrite } to the logger's options to write them at the top level",
    );
    return;
  }
  let text = '';
  for (const name of names) {
    const value = fields[name];
    if (value === undefined) continue;
    text += `${text === '' ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(value)}`;
    clearField(fields, name);
  }
  pending = text === '' ? undefined : text;
}

/**
 * A pino `hooks.streamWrite` for loggers with `nestedKey`: writes {@link pinoMixin}'s correlation
 * fields at the top level of the line, once, instead of under the nested key.
 *
 * @example
 * import pino from 'pino';
 * import { pinoMixin, pinoStreamWrite } from '@acme/otel';
 *
 * const logger = pino({ nestedKey: 'payload', mixin: pinoMixin(), hooks: { streamWrite: pinoStreamWrite } });
 * logger.info({ orderId: 'o-1' }, 'created'); // {"trace_id":"…","span_id":"…","trace_flags":"01","level":30,…,"payload":{"orderId":"o-1"},"msg":"created"}
 */
export function pinoStreamWrite(line: string): string {
  const text = pending;
  pending = undefined;
  if (text === undefined || line.charCodeAt(0) !== 0x7b /* { */) return line;
  const next = line[1];
  return `{${text}${next === '}' || next === ',' ? '' : ','}${line.slice(1)}`;
}
