// The README's "Safe by default" table and the exit table state bounds; each number there is the
// code's. The behaviour behind each row has its own test (docs/safety.md names them), most of
// which import the bound from src: this one fails when the code's number and the README's part.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { MAX_LINE } from '../../../src/diag/log.js';
import { HEAP_CHECK_MILLIS, HEAP_HIGH } from '../../../src/exit/heap-watch.js';
import { OPEN_SPAN_CAP } from '../../../src/exit/open-spans.js';
import { URGENT_DELAY_MILLIS } from '../../../src/export/batch-processor.js';
import { MAX_RESPONSE_BYTES } from '../../../src/export/otlp/grpc-transport.js';
import { resourceLimitBytes } from '../../../src/export/otlp/resource-fit.js';
import {
  ARRAY_ELEMENT_LIMIT,
  ARRAY_TEXT_VALUES,
  CUT_KEYS,
  KEY_LENGTH_LIMIT,
  SPAN_TEXT_VALUES,
} from '../../../src/export/value-length-limit.js';
import { MAX_BAGGAGE_BYTES } from '../../../src/propagation/baggage-codec.js';
import { MAX_TRACE_STATE_READ } from '../../../src/propagation/trace-state.js';
import { MAX_SECRETS_PER_VALUE } from '../../../src/redaction/budget.js';
import { MAX_TRACER_NAME_LENGTH, MAX_TRACERS } from '../../../src/sdk/tracer-bound.js';
import { MAX_QUOTED } from '../../../src/util/quote.js';
import { repoRoot } from '../../support/child.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const fmt = (n: number) => n.toLocaleString('en-US');
const c = resolveConfig({}, { OTEL_NODE_RESOURCE_DETECTORS: 'none' });
const L = c.spanLimits.attributeValueLengthLimit;

/** The table row (whole line) of `section` whose first cell starts with `what`. */
function row(section: string, what: string): string {
  const start = readme.indexOf(`\n${section}\n`);
  const body = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const line = body.split('\n').find((l) => l.startsWith(`| ${what}`));
  if (line === undefined) throw new Error(`no row "${what}" under ${section}`);
  return line;
}

const safe = (what: string) => row('## Safe by default', what);

describe('README "Safe by default": each number is the code\'s', () => {
  it.each([
    ['secrets replaced one by one', [`| ${fmt(MAX_SECRETS_PER_VALUE)} |`]],
    ['attribute value length', [`| ${fmt(L)} characters |`]],
    [
      'array attribute values',
      [
        `first ${fmt(ARRAY_ELEMENT_LIMIT)} elements`,
        `at most ${ARRAY_TEXT_VALUES} × the value length limit in all (${fmt(ARRAY_TEXT_VALUES * L)} characters)`,
      ],
    ],
    [
      "a span's text in all",
      [`| ${SPAN_TEXT_VALUES} × the value length limit: ${fmt(SPAN_TEXT_VALUES * L)} characters`],
    ],
    ["a span's attribute values in all", [`| ${fmt(c.spanLimits.valueCountLimit)}, so`]],
    ['attribute key length', [`| ${KEY_LENGTH_LIMIT} characters; past ${CUT_KEYS} cut keys`]],
    ['export request size', [`| ${fmt(c.maxExportRequestBytes)} bytes`]],
    ["the resource's attributes", [`| ${fmt(resourceLimitBytes(c.maxExportRequestBytes))} bytes encoded`]],
    [
      'export queue',
      [`| ${fmt(c.batch.maxQueueSize)} spans and ${c.batch.maxQueueBytes / 2 ** 20} MiB of encoded spans |`],
    ],
    ['one export, retries included', [`| ${c.batch.exportTimeoutMillis / 1000} s |`]],
    ["a collector's answer read", [`| ${MAX_RESPONSE_BYTES / 1024} KiB |`]],
    ['shutdown and exit flush', [`| ${c.shutdownTimeoutMillis / 1000} s |`]],
    ['open spans kept', [`| ${fmt(OPEN_SPAN_CAP)} |`]],
    [
      'distinct tracers',
      [`| ${fmt(MAX_TRACERS)}; past it`, `longer than ${fmt(MAX_TRACER_NAME_LENGTH)} characters is cut`],
    ],
    ['text our stderr lines', [`a line at most ${fmt(MAX_LINE)} characters`, `at most ${MAX_QUOTED}, so`]],
    [
      'incoming headers read',
      [
        `\`baggage\`: the members within its first ${fmt(MAX_BAGGAGE_BYTES)} characters`,
        `\`tracestate\`: up to ${fmt(MAX_TRACE_STATE_READ)} characters`,
        `\`uberctx-*\` entries within ${fmt(MAX_BAGGAGE_BYTES)} bytes`,
      ],
    ],
  ] as const)('%s', (what, parts) => {
    const line = safe(what);
    for (const part of parts) expect(line).toContain(part);
  });
});

describe('README "Shutdown and exit codes": each number is the code\'s', () => {
  const section = readme.slice(readme.indexOf('\n## Shutdown and exit codes\n'));
  const exit = section.slice(0, section.indexOf('\n## ', 5));

  it('the time box', () => {
    expect(exit).toContain(
      `bounded by\n\`shutdownTimeoutMillis\` (\`ACME_OTEL_SHUTDOWN_TIMEOUT\`, ${c.shutdownTimeoutMillis / 1000} s)`,
    );
  });

  it('out of heap: the share of the limit and how soon spans are exported', () => {
    const line = row('## Shutdown and exit codes', 'Out of heap');
    expect(line).toContain(`from ${HEAP_HIGH * 100}% of the old generation's limit`);
    expect(line).toContain(`exported within ${URGENT_DELAY_MILLIS} ms of ending`);
    expect(line).toContain(`before the last ${HEAP_CHECK_MILLIS} ms or so`);
  });

  it('what SIGKILL can lose: the schedule delay', () => {
    expect(exit).toContain(`(\`OTEL_BSP_SCHEDULE_DELAY\`, default ${c.batch.scheduledDelayMillis} ms)`);
  });
});
