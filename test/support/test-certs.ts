// A throwaway CA and certificates signed by it, made with openssl in a temporary directory:
// `server` (localhost, 127.0.0.1), `client` (otel-client, for mutual TLS) and `elsewhere` (a host
// name the endpoint does not use). `file('ca.pem')`, `file('server.key')`, …
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';

export interface TestCerts {
  file(name: string): string;
  remove(): void;
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(path.join(tmpdir(), 'acme-otel-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  /** `openssl req` options for a new P-256 key written to `<name>.key`, subject CN=`cn`. */
  const newKey = (name: string, cn: string) => [
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    file(`${name}.key`),
    '-subj',
    `/CN=${cn}`,
  ];
  /** An EC key and a certificate for `cn`, signed by the test CA. */
  const issue = (name: string, cn: string, san: string) => {
    openssl('req', ...newKey(name, cn), '-out', file(`${name}.csr`));
    writeFileSync(file(`${name}.ext`), `subjectAltName=${san}\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file(`${name}.pem`),
      '-days',
      '1',
      '-extfile',
      file(`${name}.ext`),
    );
  };
  openssl('req', '-x509', ...newKey('ca', 'acme-otel test CA'), '-out', file('ca.pem'), '-days', '1');
  issue('server', 'localhost', 'DNS:localhost,IP:127.0.0.1');
  issue('client', 'otel-client', 'DNS:otel-client');
  issue('elsewhere', 'collector.elsewhere', 'DNS:collector.elsewhere');
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** {@link makeTestCerts} for one test file: made before its tests, removed after; returns `file`. */
export function useTestCerts(): (name: string) => string {
  let certs: TestCerts | undefined;
  beforeAll(() => {
    certs = makeTestCerts();
  });
  afterAll(() => certs?.remove());
  return (name) => (certs as TestCerts).file(name);
}

/**
 * The variables for mutual TLS with these certificates: the CA and the client key pair, with a
 * `_TRACES_` CA over a general one that does not exist (the signal's variable must win).
 */
export function mutualTlsEnv(file: (name: string) => string): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: file('ca.pem'),
    OTEL_EXPORTER_OTLP_CERTIFICATE: file('missing.pem'),
    OTEL_EXPORTER_OTLP_CLIENT_KEY: file('client.key'),
    OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: file('client.pem'),
  };
}
