// The random-trace-id flag (W3C Level 2, 0x02) across a real HTTP hop, in a child process running
// the built package; the propagator's own cases are in test/unit/propagation/trace-context.test.ts.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../support/child.js';

const T = '0af7651916cd43dd8448eb211c80319c';
const S = 'b7ad6b7169203331';

describe('random-trace-id flag (0x02) on spans that are not sampled', () => {
  it('end to end over HTTP: an unsampled request with 02 makes its outgoing call with 02', () => {
    // test/fixtures/http-fast-path-app.cjs: initTracing from dist with http + express, an express
    // server whose handler calls a second local server; it prints what that server received.
    for (const [flags, expected] of [
      ['02', '02'],
      ['00', '00'],
    ] as const) {
      const out = execFileSync(process.execPath, ['test/fixtures/http-fast-path-app.cjs'], {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH,
          OTEL_NODE_RESOURCE_DETECTORS: 'none',
          RATIO: '1',
          TRACEPARENT: `00-${T}-${S}-${flags}`,
        },
        encoding: 'utf8',
        timeout: 30_000,
      });
      const { response, spans } = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
        response: { echo: { traceparent: string } };
        spans: unknown[];
      };
      expect(spans).toEqual([]);
      expect(response.echo.traceparent).toMatch(new RegExp(`^00-${T}-(?!${S})[0-9a-f]{16}-${expected}$`));
    }
  });
});
