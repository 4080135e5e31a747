// OTLP/HTTP does not go through `https_proxy`/`http_proxy` (nor does upstream's exporter). A
// collector reachable only through the proxy was "unreachable: ECONNREFUSED" (or not answering),
// with no word of the proxy the operator had set for it.
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/resolve.js';
import { resetLogger, setLogSink } from '../../../src/diag/log.js';
import { createPipeline } from '../../../src/sdk/pipeline.js';

afterEach(() => resetLogger());

const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:4318'), { code: 'ECONNREFUSED' });

/** The loss line for one span lost to ECONNREFUSED, with `env`. */
function lossLine(env: Record<string, string>): string {
  const lines: string[] = [];
  setLogSink((_level, line) => lines.push(line));
  const config = resolveConfig(
    { serviceName: 'proxy-test' },
    { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://10.0.0.7:4318', ...env },
  );
  const { reporter, stats } = createPipeline(config);
  stats.failed++;
  reporter.recordFailure(1, refused);
  reporter.shutdown();
  return lines[0] ?? '';
}

describe('OTLP/HTTP with a proxy variable', () => {
  it('an unreachable collector: the line says the proxy is not used', () => {
    expect(
      lossLine({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', https_proxy: 'http://proxy:3128' }),
    ).toMatch(
      /collector unreachable at http:\/\/10\.0\.0\.7:4318\/v1\/traces: ECONNREFUSED \(.*\); https_proxy is set, but OTLP\/HTTP does not go through a proxy: it connects to the collector directly \(OTLP\/gRPC uses it\)$/,
    );
  });

  it('not said without one, where no_proxy exempts the collector, or over OTLP/gRPC (which uses it)', () => {
    for (const env of [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', http_proxy: 'http://proxy:3128', no_proxy: '10.0.0.7' },
      { http_proxy: 'http://proxy:3128' },
    ]) {
      expect(lossLine(env)).toMatch(/ECONNREFUSED/);
      expect(lossLine(env)).not.toContain('proxy');
    }
  });
});

// Container images and corporate hosts often set only HTTPS_PROXY: grpc-js reads the lower-case
// names only and OTLP/HTTP none, so neither exporter went through it, without a word.
describe('an upper-case proxy variable only', () => {
  it.each(['grpc', 'http/protobuf'])(
    'an unreachable collector (%s): the line says no export uses it',
    (protocol) => {
      expect(lossLine({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol, HTTPS_PROXY: 'http://proxy:3128' })).toMatch(
        /: ECONNREFUSED \(.*\); HTTPS_PROXY is set, but no OTLP export goes through it: OTLP\/HTTP connects to the collector directly, and OTLP\/gRPC \(grpc-js\) reads only the lower-case https_proxy$/,
      );
    },
  );

  it('not said when a lower-case one is set too, or NO_PROXY exempts the collector', () => {
    for (const env of [
      { HTTPS_PROXY: 'http://proxy:3128', https_proxy: 'http://proxy:3128' },
      { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '10.0.0.0/8' },
    ]) {
      // A loss line was printed, and it names no proxy.
      expect(lossLine(env)).toMatch(/ECONNREFUSED/);
      expect(lossLine(env)).not.toContain('HTTPS_PROXY');
    }
  });
});
