// Issue 6 in real processes against a real OTLP/gRPC receiver: nothing lost on SIGTERM under
// traffic, and a canary secret sent through a real request (query token, Authorization header,
// URL userinfo), a real SQL literal and an exception message never reaches the receiver's bytes.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnNode } from '../support/child.js';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';

const REGISTER = ['--require', `${repoRoot}dist/register.cjs`];
const APP = 'test/fixtures/hardening-app.cjs';
let rx: OtlpReceiver;

beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());

/** The round trip of one request, in ms. */
async function timed(port: number, path: string, headers: Record<string, string>): Promise<number> {
  const start = performance.now();
  expect(await get(port, path, headers)).toBe(200);
  return performance.now() - start;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

async function start() {
  const child = spawnNode([...REGISTER, APP], {
    OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint,
    OTEL_SERVICE_NAME: 'hardening-app',
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/test',
    // Nothing leaves on a timer: everything must come from the SIGTERM flush.
    OTEL_BSP_SCHEDULE_DELAY: '600000',
  });
  await child.waitForOutput(/listening on \d+/);
  return { child, port: Number(/listening on (\d+)/.exec(child.output())?.[1]) };
}

describe('hardening, in real processes', () => {
  it('N requests then SIGTERM: all N traces reach the receiver, exit code 143', async () => {
    rx.clear();
    const { child, port } = await start();
    const n = 200;
    const statuses = await Promise.all(Array.from({ length: n }, (_, i) => get(port, `/work/${i}`)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(143);
    const servers = rx.spans().filter((s) => s.kind === 'SERVER');
    const paths = new Set(
      servers.map((s) => String(s.attributes['url.path'] ?? s.attributes['http.target'])),
    );
    expect(paths.size).toBe(n);
    expect(new Set(servers.map((s) => s.traceId)).size).toBe(n);
  });

  // Issue 20: no input stalls the service. Each hostile request fits Node's default header limit
  // (16 KiB) and is compared with a benign one of the same size on the same traced server (best of
  // 5, interleaved). Before: a Host of `a`s ending in `!` took ~210 ms (a backtracking regex), a
  // query of `sig=1&` ~3 ms, a baggage of commas ~1.3 ms, where the benign request took ~2 ms.
  it('hostile headers cost what benign ones of the same size cost', async () => {
    const { child, port } = await start();
    const pad = 'x'.repeat(15_000);
    const benign = () => timed(port, '/work/1', { 'x-pad': pad });
    const hostile: Array<[string, () => Promise<number>]> = [
      ['Host of letters ending badly', () => timed(port, '/work/1', { host: `${'a'.repeat(15_000)}!` })],
      ['query of sig=1&', () => timed(port, `/work/1?${'sig=1&'.repeat(2_500)}`, {})],
      ['baggage of commas', () => timed(port, '/work/1', { baggage: ','.repeat(15_000) })],
      [
        'tracestate of commas',
        () =>
          timed(port, '/work/1', {
            traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
            tracestate: ','.repeat(15_000),
          }),
      ],
      ['X-Forwarded-For of commas', () => timed(port, '/work/1', { 'x-forwarded-for': ','.repeat(15_000) })],
    ];
    await benign();
    for (const [name, send] of hostile) {
      let bestHostile = Number.POSITIVE_INFINITY;
      let bestBenign = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 5; i++) {
        bestHostile = Math.min(bestHostile, await send());
        bestBenign = Math.min(bestBenign, await benign());
      }
      // Headroom for a loaded machine; the regex made it ~100x.
      expect(
        bestHostile,
        `${name}: ${bestHostile.toFixed(1)} ms against ${bestBenign.toFixed(1)} ms`,
      ).toBeLessThan(Math.max(5 * bestBenign, bestBenign + 10));
    }
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(143);
  });

  it('a canary secret never reaches the collector', async () => {
    rx.clear();
    const canary = `c4n4ry${Date.now().toString(36)}`;
    const { child, port } = await start();
    expect(await get(port, `/login?token=${canary}`, { authorization: `Bearer ${canary}` })).toBe(401);
    child.proc.kill('SIGTERM');
    expect((await child.exited).code).toBe(143);

    const spans = rx.spans();
    // The request really produced what we scrub: server + client http spans, a pg span, an exception.
    expect(
      spans.some((s) => s.kind === 'CLIENT' && String(s.attributes['url.full']).includes('REDACTED')),
    ).toBe(true);
    const pg = spans.find((s) =>
      String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? '').includes('leaked'),
    );
    expect(pg, JSON.stringify(spans.map((s) => s.name))).toBeDefined();
    expect(String(pg!.attributes['db.statement'] ?? pg!.attributes['db.query.text'])).toMatch(
      /SELECT \? AS leaked, \? AS pin/,
    );
    expect(spans.some((s) => s.events.some((e) => e.name === 'exception'))).toBe(true);

    const bytes = rx.rawBytes();
    expect(bytes.length).toBeGreaterThan(0);
    // The SQL's numeric literal is long enough not to turn up by chance in the rest of the text
    // there (ports in URLs, hex ids): a CI run once found '4242', the old literal, with the
    // statement scrubbed, and printed nothing around it; each miss now prints its surroundings.
    for (const needle of [canary, '918273645']) {
      const at = bytes.indexOf(Buffer.from(needle));
      expect(at, at >= 0 ? bytes.subarray(Math.max(0, at - 120), at + 40).toString('latin1') : '').toBe(-1);
    }
  });
});
