// Every default the README's environment-variable and Options tables state is the one the code
// uses (STYLE.md rule 7): readme.test.ts checks the variables' names, this their defaults and
// bounds, read from the table cells, against resolveConfig({}, {}).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAX_QUEUE_SIZE, MIN_EXPORT_REQUEST_BYTES, MIN_QUEUE_BYTES } from '../../../src/config/options.js';
import { resolveConfig } from '../../../src/config/resolve.js';
import { resetLogger } from '../../../src/diag/log.js';
import { KNOWN_INSTRUMENTATIONS } from '../../../src/instrumentations/index.js';
import type { ResolvedConfig } from '../../../src/types.js';
import { repoRoot } from '../../support/child.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The rows of the table under `heading`: first cell (backticks kept) → the other cells. */
function tableRows(heading: string): Map<string, string[]> {
  const section = readme.slice(readme.indexOf(`\n${heading}\n`) + 1);
  const table = section.slice(0, section.indexOf('\n## ', 5));
  const rows = new Map<string, string[]>();
  for (const line of table.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cells = line.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim());
    rows.set(cells[0]!, cells.slice(1));
  }
  return rows;
}

/** A cell's value as written: `4096` → "4096", `'otlp'` → "otlp", `4128768` (4 MiB…) → "4128768". */
function stated(cell: string): string {
  const first = /^`([^`]*)`/.exec(cell)?.[1] ?? cell;
  return first.replace(/^'|'$/g, '');
}

const text = (v: unknown): string => (Array.isArray(v) ? v.join(',') : String(v));

resetLogger();
const defaults = resolveConfig({}, { OTEL_NODE_RESOURCE_DETECTORS: '' });

/** Variable → its default in the resolved config, as the README writes it. */
const byVariable: Record<string, (c: ResolvedConfig) => unknown> = {
  OTEL_SDK_DISABLED: (c) => c.disabled,
  OTEL_NODE_RESOURCE_DETECTORS: (c) => c.resourceDetectors,
  OTEL_TRACES_SAMPLER: (c) => c.sampler,
  OTEL_TRACES_SAMPLER_ARG: (c) => c.sampleRatio,
  OTEL_PROPAGATORS: (c) => c.propagators,
  OTEL_TRACES_EXPORTER: (c) => c.exporters,
  OTEL_EXPORTER_OTLP_ENDPOINT: (c) => c.endpoint,
  OTEL_EXPORTER_OTLP_PROTOCOL: (c) => c.protocol,
  OTEL_EXPORTER_OTLP_TIMEOUT: (c) => c.exportTimeoutMillis,
  OTEL_EXPORTER_OTLP_COMPRESSION: (c) => c.compression,
  OTEL_BSP_SCHEDULE_DELAY: (c) => c.batch.scheduledDelayMillis,
  OTEL_BSP_EXPORT_TIMEOUT: (c) => c.batch.exportTimeoutMillis,
  OTEL_BSP_MAX_QUEUE_SIZE: (c) => c.batch.maxQueueSize,
  OTEL_BSP_MAX_EXPORT_BATCH_SIZE: (c) => c.batch.maxExportBatchSize,
  OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: (c) => c.spanLimits.attributeCountLimit,
  OTEL_ATTRIBUTE_COUNT_LIMIT: (c) => c.spanLimits.attributeCountLimit,
  OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: (c) => c.spanLimits.attributeValueLengthLimit,
  OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: (c) => c.spanLimits.attributeValueLengthLimit,
  OTEL_SPAN_EVENT_COUNT_LIMIT: (c) => c.spanLimits.eventCountLimit,
  OTEL_SPAN_LINK_COUNT_LIMIT: (c) => c.spanLimits.linkCountLimit,
  OTEL_LOG_LEVEL: (c) => c.logLevel,
  OTEL_NODE_DISABLED_INSTRUMENTATIONS: (c) => defaultOff(c),
  ACME_OTEL_HTTP_FAST_PATH: (c) => c.httpServerFastPath,
  ACME_OTEL_GC_TUNING: (c) => c.gcTuning,
  ACME_OTEL_REDACTION: (c) => c.redaction !== false,
  ACME_OTEL_REDACT_DB_STATEMENT: (c) => (c.redaction === false ? undefined : c.redaction.dbStatement),
  ACME_OTEL_HANDLE_SIGNALS: (c) => c.handleSignals,
  ACME_OTEL_SHUTDOWN_TIMEOUT: (c) => c.shutdownTimeoutMillis,
  ACME_OTEL_SPAN_VALUE_COUNT_LIMIT: (c) => c.spanLimits.valueCountLimit,
  ACME_OTEL_MAX_EXPORT_REQUEST_BYTES: (c) => c.maxExportRequestBytes,
  ACME_OTEL_MAX_QUEUE_BYTES: (c) => c.batch.maxQueueBytes,
};

/** Read outside resolveConfig, at start-up: each has its test in a child process. */
const elsewhere: Record<string, string> = {
  ACME_OTEL_WORKER_THREADS: 'test/integration/register.test.ts',
};

/** The catalogue's instrumentations the default set leaves off, in the catalogue's order. */
function defaultOff(c: ResolvedConfig): string[] {
  return KNOWN_INSTRUMENTATIONS.filter((name) => !c.instrumentations.names.includes(name));
}

describe('README environment-variable table: defaults', () => {
  const rows = tableRows('## Environment variables');

  it('states for each variable the default the code uses', () => {
    const wrong: string[] = [];
    for (const [variable, read] of Object.entries(byVariable)) {
      const row = rows.get(`\`${variable}\``);
      if (row === undefined) {
        wrong.push(`${variable}: no row`);
        continue;
      }
      const readmeSays = stated(row[1]!);
      const code = text(read(defaults));
      if (readmeSays !== code) wrong.push(`${variable}: README ${readmeSays}, code ${code}`);
    }
    expect(wrong).toEqual([]);
  });

  it('has no row with a code-like default this test does not check', () => {
    const unchecked = [...rows]
      .filter(([, cells]) => /^`[^`]+`$/.test(cells[1] ?? ''))
      .filter(
        ([name]) => byVariable[name.slice(1, -1)] === undefined && elsewhere[name.slice(1, -1)] === undefined,
      )
      .map(([name]) => name);
    expect(unchecked).toEqual([]);
  });

  it('says which instrumentations are on by default', () => {
    expect(stated(rows.get('`OTEL_NODE_ENABLED_INSTRUMENTATIONS`')![1]!.replace(/^all but /, ''))).toBe(
      defaultOff(defaults).join(','),
    );
  });

  it('states the bounds the code enforces', () => {
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect(rows.get('`OTEL_BSP_MAX_QUEUE_SIZE`')![0]).toContain(`at most ${fmt(MAX_QUEUE_SIZE)}`);
    expect(rows.get('`ACME_OTEL_MAX_EXPORT_REQUEST_BYTES`')![0]).toContain(
      `at least ${MIN_EXPORT_REQUEST_BYTES}`,
    );
    expect(rows.get('`ACME_OTEL_MAX_QUEUE_BYTES`')![0]).toContain(`at least ${MIN_QUEUE_BYTES}`);
  });
});

describe('README Options table: defaults', () => {
  const rows = tableRows('## Options');
  const cell = (option: string) => rows.get(`\`${option}\``)![0]!;

  it('states the numbers, names and switches the code uses', () => {
    const c = defaults;
    const scalar: [string, unknown][] = [
      ['sampler', c.sampler],
      ['sampleRatio', c.sampleRatio],
      ['exporter', c.exporters],
      ['protocol', c.protocol],
      ['exportTimeoutMillis', c.exportTimeoutMillis],
      ['compression', c.compression],
      ['maxExportRequestBytes', c.maxExportRequestBytes],
      ['httpServerFastPath', c.httpServerFastPath],
      ['gcTuning', c.gcTuning],
      ['esm', c.esm],
      ['logLevel', c.logLevel],
      ['handleSignals', c.handleSignals],
      ['shutdownTimeoutMillis', c.shutdownTimeoutMillis],
      ['disabled', c.disabled],
    ];
    const wrong = scalar
      .filter(([option, value]) => stated(cell(option)) !== text(value))
      .map(([option, value]) => `${option}: README ${stated(cell(option))}, code ${text(value)}`);
    expect(wrong).toEqual([]);
  });

  it('states the batch and span-limit objects the code uses', () => {
    const objectIn = (option: string) =>
      Object.fromEntries(
        [...stated(cell(option)).matchAll(/(\w+): (\d+)/g)].map((m) => [m[1]!, Number(m[2])]),
      );
    expect(objectIn('batch')).toEqual({ ...defaults.batch });
    expect(objectIn('spanLimits')).toEqual({ ...defaults.spanLimits });
  });

  it('states the list defaults the code uses', () => {
    const list = (option: string) => [...cell(option).matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(list('propagators')).toEqual([...defaults.propagators]);
    expect(list('resourceDetectors')).toEqual([...defaults.resourceDetectors]);
    const paths = cell('ignoreIncomingPaths').split(' | ')[0]!;
    expect([...paths.matchAll(/`([^`]+)`/g)].map((m) => m[1])).toEqual([...defaults.ignoreIncomingPaths]);
  });
});

describe("README Examples: the numbers are the example servers' defaults", () => {
  it('idle connections, the readiness delay and the shutdown budget of src/server-settings.mjs', async () => {
    const settings = join(repoRoot, 'examples/order-service/src/server-settings.mjs');
    const { DEFAULT_SERVER_SETTINGS: d } = (await import(pathToFileURL(settings).href)) as {
      DEFAULT_SERVER_SETTINGS: {
        keepAliveTimeoutMs: number;
        shutdownDelayMs: number;
        shutdownTimeoutMs: number;
      };
    };
    const examples = readme.slice(readme.indexOf('\n### Examples\n'), readme.indexOf('\n## Testing'));
    const flat = examples.replace(/\s+/g, ' ');
    expect(flat).toContain(`idle connections kept ${d.keepAliveTimeoutMs / 1000} s`);
    expect(flat).toContain(`new connections are still served for ${d.shutdownDelayMs / 1000} s`);
    expect(flat).toContain(`the whole shutdown, span flush last, within ${d.shutdownTimeoutMs / 1000} s`);
  });
});

describe('README Supported Node versions: package.json and CI say the same', () => {
  const section = readme.slice(
    readme.indexOf('\n## Supported Node versions\n'),
    readme.indexOf('\n## Safe by default'),
  );
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    engines: { node: string };
  };

  it('the engines range, and the oldest line of the table', () => {
    expect(section).toContain(`\`engines\` says \`${pkg.engines.node}\``);
    const oldest = /^>=(\d+)\.(\d+)\.0$/.exec(pkg.engines.node);
    expect(oldest).not.toBeNull();
    expect(section).toMatch(new RegExp(`\\n\\| ${oldest![1]} \\(≥ ${oldest![1]}\\.${oldest![2]}\\) +\\|`));
  });

  it('every line the table marks tested is one .ci/run runs the suite on', () => {
    const tested = [...section.matchAll(/^\| (\d+)[^|]*\|[^|]*\| yes +\|$/gm)].map((m) => Number(m[1]));
    const ci = readFileSync(join(repoRoot, '.ci/run'), 'utf8');
    const others = /^for v in ([\d ]+); do$/m.exec(ci)?.[1]?.split(' ').map(Number) ?? [];
    // The machine's own Node runs first: the engines' line (Node 20 on CI).
    const machine = Number(/^>=(\d+)/.exec(pkg.engines.node)![1]);
    expect(tested.sort()).toEqual([machine, ...others].sort());
  });
});
