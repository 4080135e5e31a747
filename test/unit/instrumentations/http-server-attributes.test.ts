// src/instrumentations/http-server-attributes.ts must give every request exactly the attributes
// upstream's getIncomingRequestAttributes (instrumentation-http 0.223) gives it, with no upstream
// helper. Compared here on every combination of a set of odd request targets, Host, forwarding
// headers and methods (the integration parity test does the same end to end on real sockets).
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REDACTED_QUERY_PARAMS,
  incomingRequestAttributes,
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
});
