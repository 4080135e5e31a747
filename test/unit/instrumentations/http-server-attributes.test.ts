// src/instrumentations/http-server-attributes.ts must give every request exactly the attributes
// upstream's getIncomingRequestAttributes (instrumentation-http 0.223) gives it, with no upstream
// helper. Compared here on every combination of a set of odd request targets, Host, forwarding
// headers and methods (the integration parity test does the same end to end on real sockets).
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REDACTED_QUERY_PARAMS,
  incomingRequestAttributes,
  plainUrlPath,
} from '../../../src/instrumentations/http-server-attributes.js';

const require = createRequire(import.meta.url);
const utils = require('@opentelemetry/instrumentation-http/build/src/utils') as {
  getIncomingRequestAttributes(
    request: unknown,
    options: { component: string; enableSyntheticSourceDetection: boolean; redactedQueryParams: string[] },
    logger: unknown,
  ): Record<string, unknown>;
};
const { DEFAULT_QUERY_STRINGS_TO_REDACT } =
  require('@opentelemetry/instrumentation-http/build/src/internal-types') as {
    DEFAULT_QUERY_STRINGS_TO_REDACT: string[];
  };
const logger = { verbose: () => undefined };

const URLS = [
  '/',
  '/a/b',
  '/a/./b/../c',
  '/q?sig=1&x=a+b',
  '//x',
  '/%zz?%',
  '*',
  'http://abs.example/p?z=1',
  '/é',
  undefined,
];
const HOSTS = [
  'example.com',
  'example.com:8080',
  '[::1]:81',
  '[2001:db8::1]',
  '999.1.1.1',
  'h:99999',
  '',
  undefined,
];
const FORWARDING: Record<string, string>[] = [
  {},
  { forwarded: 'for=192.0.2.60;proto=https;host=f.example:9' },
  { forwarded: 'for="[2001:db8::17]:4711"' },
  { forwarded: 'broken"' },
  {
    'x-forwarded-host': 'xf.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '10.0.0.1:5, 10.0.0.2',
  },
  { 'x-forwarded-host': '[::2]', 'x-forwarded-for': 'garbage value' },
];
const METHODS = ['GET', 'PURGE', 'M-SEARCH', undefined];

function request(
  method: string | undefined,
  url: string | undefined,
  host: string | undefined,
  more: Record<string, string>,
) {
  const headers: Record<string, string> = { 'user-agent': 'ua', ...more };
  if (host !== undefined) headers.host = host;
  return {
    method,
    url,
    headers,
    httpVersion: '1.1',
    socket: { remoteAddress: '127.0.0.1', remotePort: 5555 },
  } as unknown as IncomingMessage;
}

describe('incoming request attributes = upstream getIncomingRequestAttributes', () => {
  it('the same default query parameters are redacted', () => {
    expect([...DEFAULT_REDACTED_QUERY_PARAMS]).toEqual(DEFAULT_QUERY_STRINGS_TO_REDACT);
  });

  it('every combination of target, Host, forwarding headers, method and scheme', () => {
    let compared = 0;
    for (const component of ['http', 'https'])
      for (const method of METHODS)
        for (const url of URLS)
          for (const host of HOSTS)
            for (const more of FORWARDING) {
              const req = request(method, url, host, more);
              const theirs = utils.getIncomingRequestAttributes(
                req,
                {
                  component,
                  enableSyntheticSourceDetection: false,
                  redactedQueryParams: DEFAULT_QUERY_STRINGS_TO_REDACT,
                },
                logger,
              );
              const ours = incomingRequestAttributes(req, component, DEFAULT_REDACTED_QUERY_PARAMS);
              expect(Object.entries(ours), JSON.stringify({ component, method, url, host, more })).toEqual(
                Object.entries(theirs),
              );
              compared++;
            }
    expect(compared).toBe(2 * 4 * 10 * 8 * 6);
  });

  // A plain path and query skip the URL parser (fastIncomingAttributes): the same attributes as
  // upstream's `new URL` on targets built from every character class the parser treats apart.
  it('the same url.path and url.query on 20,000 request targets (property)', () => {
    const piece = fc.constantFrom(
      'a',
      'Z',
      '0',
      '/',
      '?',
      '&',
      '=',
      '%',
      '%2e',
      '%zz',
      '.',
      '..',
      '+',
      '-',
      '_',
      '~',
      '!',
      '$',
      "'",
      '(',
      '*',
      ',',
      ';',
      ':',
      '@',
      '"',
      '#',
      '<',
      '>',
      '`',
      '^',
      '{',
      '|',
      '\\',
      ' ',
      '\t',
      '\u007f',
      'é',
      '\u{1F600}',
      'sig=1',
      'X-Amz-Signature=s',
      'Signature=',
      '&sig',
      '?sig=a&sig=b',
    );
    const target = fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`);
    fc.assert(
      fc.property(target, fc.constantFrom('example.com', 'h:81'), (url, host) => {
        const req = request('GET', url, host, {});
        const options = {
          component: 'http',
          enableSyntheticSourceDetection: false,
          redactedQueryParams: DEFAULT_QUERY_STRINGS_TO_REDACT,
        };
        const theirs = utils.getIncomingRequestAttributes(req, options, logger);
        const ours = incomingRequestAttributes(req, 'http', DEFAULT_REDACTED_QUERY_PARAMS);
        expect(Object.entries(ours), url).toEqual(Object.entries(theirs));
      }),
      { numRuns: 20000 },
    );
  });

  // Host, X-Forwarded-Host and X-Forwarded-For are read from the positions of their colons and
  // first comma instead of upstream's split (hostile-headers below): the same answer on every odd
  // shape of colons, brackets and commas.
  it('the same server and client address on odd hosts and forwarded-for lists', () => {
    const hosts = [
      ':',
      '::',
      ':::',
      'a:',
      ':1',
      'a::1',
      'a:b:c',
      '[',
      ']',
      '[]',
      '[]:',
      '[]:1',
      '[:',
      '[::',
      '[::]',
      '[::]:',
      '[::]:8',
      '[::]::8',
      '[a]b:c',
      '[a]:b:c]',
      '[a:b]:c:d',
      '[a:b]]:1',
      '[1:2:3]x:4',
      'x]:1',
      '[::1]:81:',
    ];
    const forwardedFor = [',', ',a', 'a,', ' a , b', '[::1]:5,x', '  ', 'a,,b', '::1, 2'];
    let compared = 0;
    for (const component of ['http', 'https'])
      for (const host of hosts)
        for (const more of [
          {},
          { 'x-forwarded-host': host },
          { 'x-forwarded-host': host, 'x-forwarded-proto': 'http' },
        ])
          for (const xff of forwardedFor) {
            const req = request('GET', '/', host, { ...more, 'x-forwarded-for': xff });
            const options = { component, enableSyntheticSourceDetection: false, redactedQueryParams: [] };
            const theirs = utils.getIncomingRequestAttributes(req, options, logger);
            const ours = incomingRequestAttributes(req, component, []);
            expect(Object.entries(ours), JSON.stringify({ component, host, more, xff })).toEqual(
              Object.entries(theirs),
            );
            compared++;
          }
    expect(compared).toBe(2 * 25 * 3 * 8);
  });
});

// Hostile headers (issue 20: no input stalls the service). With the header limit raised to 64 KiB,
// splitting a Host of colons took 2.3 ms and an X-Forwarded-For of commas 2.5 ms per request, and a
// `Forwarded` header was parsed twice (server and client address). The yardstick is what parity with
// upstream costs on any long Host: Node's URL parser reading a 64 KiB host name (~0.2 ms). Each
// shape must cost no more than twice that (it was 12x), measured again once if the bound is missed.
describe('incoming request attributes on hostile headers', () => {
  const size = 65536;
  const shapes: Array<[string, IncomingMessage]> = [
    ['a Host of colons', request('GET', '/', ':'.repeat(size), {})],
    ['a bracketed Host of colons', request('GET', '/', `[${':'.repeat(size)}`, {})],
    ['an X-Forwarded-Host of colons', request('GET', '/', 'a', { 'x-forwarded-host': ':'.repeat(size) })],
    ['an X-Forwarded-For of commas', request('GET', '/', 'a', { 'x-forwarded-for': ','.repeat(size) })],
    // The plain-host check was a backtracking regex: 16 KiB (Node's default limit) of `a` and a `!`
    // took ~250 ms per request, 64 KiB 3.7 s; 16 KiB keeps the old code's failure to seconds.
    ['a Host of letters that ends badly', request('GET', '/', `${'a'.repeat(16384)}!`, {})],
    ['a Host of digits and letters that ends badly', request('GET', '/', `${'1a'.repeat(8192)}!`, {})],
    ['a Host of labels that ends badly', request('GET', '/', `${'a.'.repeat(8192)}a!`, {})],
  ];
  const bestMs = (fn: () => void): number => {
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 15; i++) {
      const start = performance.now();
      fn();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  };
  const longHost = `http://${'a'.repeat(size)}`;
  it.each(shapes)('%s', (_name, req) => {
    const ratio = () =>
      bestMs(() => incomingRequestAttributes(req, 'http', DEFAULT_REDACTED_QUERY_PARAMS)) /
      bestMs(() => new URL('/', longHost));
    const first = ratio();
    expect(first <= 2 ? first : ratio(), "against Node's URL parser on a 64 KiB host").toBeLessThanOrEqual(2);
  });

  it('the plain-host check accepts exactly what its regex did', () => {
    // The regex it replaced, and the rest of the old check, on short hosts (where it was fast).
    const HOSTNAME = /^(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]*[A-Za-z-][A-Za-z0-9-]*$/;
    const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
    const plainBefore = (host: string) =>
      IPV4.test(host) ||
      (HOSTNAME.test(host) &&
        !/(?:^|\.)xn--/i.test(host) &&
        !/^0x[0-9a-f]*$/i.test(host.slice(host.lastIndexOf('.') + 1)));
    const host = fc
      .array(
        fc.constantFrom('a', 'Z', 'x', 'n', '-', '0', '9', '1', '.', '!', '_', '@', 'é', 'xn--', '0x', '255'),
        {
          maxLength: 12,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(host, (h) => {
        expect(plainUrlPath(request('GET', '/p', h, {})), h).toBe(plainBefore(h) ? '/p' : undefined);
      }),
      { numRuns: 20000 },
    );
  });

  it('reads server and client address from one long Forwarded header', () => {
    const forwarded = `${'for=a,'.repeat(size / 6)}for=b;host=h.example`;
    const req = request('GET', '/', 'a', { forwarded });
    const attributes = incomingRequestAttributes(req, 'http', DEFAULT_REDACTED_QUERY_PARAMS);
    expect(attributes['server.address']).toBe('h.example');
    expect(attributes['client.address']).toBe('a');
  });
});
