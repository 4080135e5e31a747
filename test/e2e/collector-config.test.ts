import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// examples/collector is not runnable here (no Docker): these checks catch the mistakes that would
// make `otelcol` refuse to start (a pipeline naming an undefined component) or run unsafely.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dir = resolve(root, 'examples/collector');

type Section = Record<string, unknown>;
interface Pipeline {
  receivers?: string[];
  processors?: string[];
  exporters?: string[];
}
interface CollectorConfig {
  extensions?: Section;
  receivers?: Section;
  processors?: Section;
  exporters?: Section;
  connectors?: Section;
  service: { extensions?: string[]; pipelines: Record<string, Pipeline>; telemetry?: any };
}

const config = parse(readFileSync(resolve(dir, 'otel-collector.yaml'), 'utf8')) as CollectorConfig;
// Compose files use YAML 1.1 merge keys (`<<: *anchor`).
const compose = parse(readFileSync(resolve(dir, 'docker-compose.yaml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      image?: string;
      command?: string[];
      volumes?: string[];
      environment?: Record<string, string>;
      stop_grace_period?: string;
    }
  >;
};
// The services' defaults, from the file they read them from (plain JS: no declarations to import).
const settingsUrl = new URL('../../examples/order-service/src/server-settings.mjs', import.meta.url).href;
const { DEFAULT_SERVER_SETTINGS } = (await import(settingsUrl)) as {
  DEFAULT_SERVER_SETTINGS: { shutdownTimeoutMs: number; shutdownDelayMs: number };
};
const pipelines = Object.entries(config.service.pipelines);
const processor = (name: string) => config.processors?.[name] as any;

describe('otel-collector.yaml', () => {
  it('has a traces pipeline', () => {
    expect(pipelines.map(([name]) => name)).toContain('traces');
  });

  it('defines every component a pipeline references', () => {
    for (const [name, pipeline] of pipelines) {
      for (const r of pipeline.receivers ?? [])
        expect(config.receivers?.[r] ?? config.connectors?.[r], `${name}: receiver ${r}`).toBeDefined();
      for (const p of pipeline.processors ?? [])
        expect(config.processors?.[p], `${name}: processor ${p}`).toBeDefined();
      for (const e of pipeline.exporters ?? [])
        expect(config.exporters?.[e] ?? config.connectors?.[e], `${name}: exporter ${e}`).toBeDefined();
      expect(pipeline.receivers?.length, `${name} has receivers`).toBeGreaterThan(0);
      expect(pipeline.exporters?.length, `${name} has exporters`).toBeGreaterThan(0);
    }
    for (const ext of config.service.extensions ?? []) expect(config.extensions?.[ext], ext).toBeDefined();
  });

  it('runs memory_limiter first and batch last in every pipeline, tail_sampling before batch', () => {
    for (const [name, pipeline] of pipelines) {
      const processors = pipeline.processors ?? [];
      expect(processors[0], name).toBe('memory_limiter');
      expect(processors.at(-1), name).toBe('batch');
      if (processors.includes('tail_sampling')) {
        expect(processors.indexOf('tail_sampling')).toBeLessThan(processors.indexOf('batch'));
        // attribute scrubbing happens before anything is buffered for the sampling decision
        expect(processors.indexOf('attributes/scrub')).toBeLessThan(processors.indexOf('tail_sampling'));
      }
    }
  });

  it('uses every component it defines', () => {
    const used = new Set(
      pipelines.flatMap(([, p]) => [...(p.receivers ?? []), ...(p.processors ?? []), ...(p.exporters ?? [])]),
    );
    for (const section of [config.receivers, config.processors, config.exporters])
      for (const name of Object.keys(section ?? {})) expect(used.has(name), `${name} is unused`).toBe(true);
  });

  it('deletes the authorization header and hashes db.statement', () => {
    const actions = processor('attributes/scrub').actions as { key?: string; action: string }[];
    expect(actions).toContainEqual({ key: 'http.request.header.authorization', action: 'delete' });
    expect(actions).toContainEqual({ key: 'db.statement', action: 'hash' });
  });

  it('tail-samples all errors, all traces over 1 s, critical services at 50 % and 5 % of the rest', () => {
    const policies = processor('tail_sampling').policies as any[];
    expect(policies.find((p) => p.type === 'status_code').status_code.status_codes).toEqual(['ERROR']);
    expect(policies.find((p) => p.type === 'latency').latency.threshold_ms).toBe(1000);
    const ands = policies.filter((p) => p.type === 'and').map((p) => p.and.and_sub_policy as any[]);
    const percent = (subs: any[]) =>
      subs.find((s) => s.type === 'probabilistic').probabilistic.sampling_percentage;
    const critical = ands.find((subs) =>
      subs.some((s) => s.string_attribute && !s.string_attribute.invert_match),
    )!;
    const rest = ands.find((subs) => subs.some((s) => s.string_attribute?.invert_match === true))!;
    expect(percent(critical)).toBe(50);
    expect(percent(rest)).toBe(5);
    // an inverted match at the top level would veto the error and latency policies
    expect(policies.some((p) => p.string_attribute?.invert_match)).toBe(false);
  });

  it('exports OTLP to Tempo and Jaeger, checks health, exposes its own metrics', () => {
    const exporters = config.service.pipelines.traces!.exporters ?? [];
    expect(exporters.some((e) => e.includes('tempo'))).toBe(true);
    expect(exporters.some((e) => e.includes('jaeger'))).toBe(true);
    for (const e of exporters) expect(e).toMatch(/^otlp_grpc\//);
    expect(config.service.extensions).toContain('health_check');
    expect(config.service.telemetry.metrics.readers[0].pull.exporter.prometheus.port).toBe(8888);
  });
});

describe('docker-compose.yaml', () => {
  // Docker SIGKILLs a container stop_grace_period after SIGTERM (10 s here); the services' own
  // budget was their default 25 s, so a slow shutdown was killed before its span flush.
  it('gives each service a shutdown budget that ends before its stop_grace_period', () => {
    const services = Object.entries(compose.services).filter(([, s]) =>
      s.command?.some((a) => a.endsWith('server.mjs')),
    );
    expect(services).toHaveLength(3);
    for (const [name, service] of services) {
      const grace = /^(\d+)s$/.exec(service.stop_grace_period ?? '10s');
      expect(grace, `${name}: stop_grace_period in seconds`).not.toBeNull();
      const env = service.environment ?? {};
      const budget = Number(env.SHUTDOWN_TIMEOUT_MS ?? DEFAULT_SERVER_SETTINGS.shutdownTimeoutMs);
      expect(budget, name).toBeLessThan(Number(grace![1]) * 1000);
      expect(Number(env.SHUTDOWN_DELAY_MS ?? DEFAULT_SERVER_SETTINGS.shutdownDelayMs), name).toBeLessThan(
        budget,
      );
    }
  });

  it('mounts a collector config that exists', () => {
    const collector = compose.services['otel-collector']!;
    const mount = collector.volumes?.find((v) => v.endsWith(':ro') && v.includes('otel-collector.yaml'));
    expect(mount).toBeDefined();
    const [host, container] = mount!.split(':');
    expect(existsSync(resolve(dir, host!))).toBe(true);
    expect(collector.command?.join(' ')).toContain(`--config=${container}`);
  });

  it('mounts every other config file that exists, and runs the three services with files that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const host = volume.split(':')[0]!;
        if (host.startsWith('.')) expect(existsSync(resolve(dir, host)), `${name}: ${host}`).toBe(true);
      }
    }
    for (const name of ['order-service', 'user-service', 'payment-service']) {
      const service = compose.services[name]!;
      const entry = service.command?.find((arg) => arg.endsWith('.mjs'));
      expect(entry, name).toBeDefined();
      expect(existsSync(resolve(root, entry!)), entry).toBe(true);
      expect(service.environment?.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4317');
    }
  });

  it('wires the collector, Jaeger and Tempo', () => {
    for (const name of ['otel-collector', 'jaeger', 'tempo'])
      expect(compose.services[name], name).toBeDefined();
    const endpoints = Object.values(config.exporters ?? {}).map((e: any) => e.endpoint as string);
    expect(endpoints).toEqual(expect.arrayContaining(['tempo:4317', 'jaeger:4317']));
  });
});
