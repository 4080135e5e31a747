// Our server side for incoming HTTP (node:http's diagnostics channels,
// src/instrumentations/http-server-*.ts) must export exactly the server spans upstream's http
// instrumentation exports: name (with the express route), parent, status, every attribute, error
// events. The same corpus of ordinary and odd requests (methods from HEAD to M-SEARCH, dot
// segments, escapes, Forwarded / X-Forwarded-* headers, IPv6 and invalid hosts, absolute-form and
// `*` targets, queries with redacted parameters, 4xx/5xx, express routes and a route that throws,
// an aborted request, Expect handling, a listener that throws, keep-alive sequences, pipelined
// requests, https) runs once with `httpServerFastPath: false` (upstream's code for every request)
// and once with it on, each in a child process.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/child.js';

interface Run {
  count: number;
  https: boolean;
  spans: { name: string; attributes: Record<string, unknown>; status: { code: number } }[];
  error?: string;
}

let certDir = '';
beforeAll(() => {
  // A throwaway self-signed certificate for the https server (openssl is on the test machines).
  certDir = mkdtempSync(join(tmpdir(), 'parity-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'].concat([
      '-subj',
      '/CN=secure.example',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ]),
    { stdio: 'ignore' },
  );
});
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

function run(fast: boolean, mode: 'always' | 'probe'): Run {
  const out = execFileSync(process.execPath, ['test/fixtures/http-server-parity-app.cjs'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH,
      FAST: String(fast),
      MODE: mode,
      TLS_KEY: join(certDir, 'key.pem'),
      TLS_CERT: join(certDir, 'cert.pem'),
    },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Run;
  expect(result.error).toBeUndefined();
  return result;
}

describe('incoming HTTP server spans: lean path = upstream', () => {
  for (const mode of ['always', 'probe'] as const) {
    it(`${mode === 'always' ? 'AlwaysOn (attributes before the span starts)' : 'mostly unsampled traffic (span first, attributes once recorded)'}: the same spans, request by request`, () => {
      const upstream = run(false, mode);
      const ours = run(true, mode);
      expect(ours.https).toBe(true);
      expect(upstream.spans).toHaveLength(upstream.count);
      expect(ours.spans).toHaveLength(ours.count);
      for (let i = 0; i < ours.spans.length; i++) expect(ours.spans[i]).toEqual(upstream.spans[i]);
      // The corpus reaches what it is meant to: a route, a redacted query, the 5xx error status,
      // a thrown error's event, and an invalid Host for which upstream reports no url.path.
      const names = ours.spans.map((s) => s.name);
      expect(names).toContain('GET /users/:id');
      expect(names).toContain('GET /api/v1/items/:itemId/parts/:partId');
      expect(ours.spans.some((s) => s.attributes['url.scheme'] === 'https')).toBe(true);
      expect(ours.spans.some((s) => s.attributes['http.request.method_original'] === 'M-SEARCH')).toBe(true);
      expect(ours.spans.some((s) => s.attributes['server.address'] === 'h.example')).toBe(true);
      expect(ours.spans.find((s) => s.name === 'GET /throws')?.status.code).toBe(2);
      expect(ours.spans.filter((s) => s.attributes['app.finished'] !== undefined).length).toBeGreaterThan(30);
      expect(ours.spans.some((s) => s.attributes['url.query'] === 'q=1&sig=REDACTED&x=a+b')).toBe(true);
      expect(ours.spans.find((s) => s.name === 'GET /boom')?.status.code).toBe(2);
      expect(ours.spans.some((s) => s.attributes['error.type'] === 'Error')).toBe(true);
      expect(
        ours.spans.some(
          (s) => s.attributes['server.address'] === '999.1.1.1' && !('url.path' in s.attributes),
        ),
      ).toBe(true);
    });
  }
});
