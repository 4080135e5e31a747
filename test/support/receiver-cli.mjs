#!/usr/bin/env node
// This is called as `node test/support/receiver-cli.mjs --port 4317 [--http 4318] [--print] [--no-retain]`
// by the demo and the benchmark, which start it as a child process.
// stdout is JSON lines: first `{"endpoint":...,"port":...,"httpEndpoint":...}` once listening, then
// with --print `{"span":{...}}` per span, and `{"stopped":true,"requests":n,"spans":n}` on
// SIGTERM/SIGINT, after which it exits 0.
import { parseArgs } from 'node:util';
import { startReceiver } from './otlp-receiver.mjs';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4317' },
    http: { type: 'string' },
    print: { type: 'boolean', default: false },
    'no-retain': { type: 'boolean', default: false },
  },
});

function toPort(name, value) {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`receiver-cli: --${name}=${value} is not a port number\n`);
    process.exit(2);
  }
  return port;
}

const line = (obj) =>
  process.stdout.write(`${JSON.stringify(obj, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);

let spanCount = 0;
const rx = await startReceiver({
  host: values.host,
  port: toPort('port', values.port),
  http: values.http === undefined ? false : toPort('http', values.http),
  retain: !values['no-retain'],
  onSpan(span) {
    spanCount++;
    if (values.print) line({ span });
  },
});

line({ endpoint: rx.endpoint, port: rx.port, httpEndpoint: rx.httpEndpoint ?? null });

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await rx.stop();
  line({ stopped: true, requests: rx.requestCount, spans: spanCount });
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
