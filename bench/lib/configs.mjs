// The server configurations compared side by side. Each is a preload (--require) and/or env
// for bench/fixtures/server.cjs. The traced configs export OTLP/gRPC to the bench's receiver,
// `transport: 'http'` ones OTLP/HTTP protobuf to its HTTP port.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { distFile, FIXTURES, ROOT, resolveFromRoot } from './paths.mjs';

const UPSTREAM_SDK = path.join(FIXTURES, 'upstream-sdk.cjs');

/** id, label, how to start it, and why it cannot run (null when it can). */
export function serverConfigs() {
  const acmeIndex = acmeIndexWithInitTracing();
  const acmeRegister = distFile('register.cjs');
  const upstreamRegister = resolveFromRoot('@opentelemetry/auto-instrumentations-node/register');
  const notBuilt = (what) => `not built yet (${what} missing)`;
  return [
    { id: 'none', label: 'no tracing', preload: null, env: {}, missing: null },
    {
      id: 'upstream-sdk',
      label: 'upstream NodeSDK + http, AlwaysOn',
      preload: UPSTREAM_SDK,
      env: {},
      missing: null,
    },
    {
      id: 'upstream-sdk-r0.1',
      label: 'upstream NodeSDK + http, ParentBased(ratio 0.1)',
      preload: UPSTREAM_SDK,
      env: { BENCH_SAMPLE_RATIO: '0.1' },
      missing: null,
    },
    {
      id: 'upstream-register',
      label: 'upstream auto-instrumentations-node/register',
      preload: upstreamRegister,
      env: {},
      missing: upstreamRegister ? null : 'auto-instrumentations-node not installed',
    },
    {
      id: 'acme-code',
      label: '@acme/otel initTracing(), AlwaysOn',
      preload: null,
      env: { BENCH_ACME_INDEX: acmeIndex ?? '' },
      missing: acmeIndex ? null : notBuilt('dist/index.js with initTracing'),
    },
    {
      id: 'acme-code-r0.1',
      label: '@acme/otel initTracing({ sampleRatio: 0.1 })',
      preload: null,
      env: { BENCH_ACME_INDEX: acmeIndex ?? '', BENCH_SAMPLE_RATIO: '0.1' },
      missing: acmeIndex ? null : notBuilt('dist/index.js with initTracing'),
    },
    {
      // Same as acme-code but over OTLP/HTTP protobuf (node:http keep-alive) instead of gRPC.
      id: 'acme-code-http',
      label: '@acme/otel initTracing(), AlwaysOn, OTLP http/protobuf',
      preload: null,
      transport: 'http',
      env: { BENCH_ACME_INDEX: acmeIndex ?? '', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      missing: acmeIndex ? null : notBuilt('dist/index.js with initTracing'),
    },
    {
      id: 'acme-register',
      label: '@acme/otel --require dist/register.cjs',
      preload: acmeRegister,
      env: {},
      missing: acmeRegister ? null : notBuilt('dist/register.cjs'),
    },
  ];
}

let cachedIndex;
/** dist/index.js when it exists and exports the named function(s); else null. */
export function acmeIndexWithInitTracing(names = ['initTracing']) {
  const key = names.join();
  cachedIndex ??= new Map();
  if (cachedIndex.has(key)) return cachedIndex.get(key);
  const file = distFile('index.js');
  let ok = false;
  if (file) {
    const probe = `import(${JSON.stringify(`file://${file}`)}).then((m) => process.stdout.write(String(${JSON.stringify(names)}.every((n) => typeof m[n] === 'function'))), () => process.stdout.write('false'))`;
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    ok = r.stdout.trim() === 'true';
  }
  cachedIndex.set(key, ok ? file : null);
  return ok ? file : null;
}

/**
 * The environment every traced process gets: a clean copy of ours without OTEL_* / ACME_OTEL_*,
 * then traces-only OTLP/gRPC to the receiver. Metrics and logs are off so the upstream register
 * (which defaults them to OTLP) is compared on tracing alone.
 */
export function tracingEnv(endpoint, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('OTEL_') && !k.startsWith('ACME_OTEL_') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  return {
    ...env,
    OTEL_SERVICE_NAME: 'bench',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    OTEL_LOG_LEVEL: 'warn',
    // The upstream register's default is `all`, whose cloud detectors call link-local metadata
    // addresses (169.254.169.254, Alibaba's 100.100.100.200). Every config gets the same local
    // set: our default (service.instance.id we always set; upstream's serviceinstance detector).
    OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process,serviceinstance,container',
    ...extra,
  };
}
