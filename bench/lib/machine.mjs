// What the figures were measured on: date, CPU, Node, and the OTel versions actually installed.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './paths.mjs';

const PACKAGES = [
  '@opentelemetry/api',
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/sdk-node',
  '@opentelemetry/instrumentation',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/auto-instrumentations-node',
  '@opentelemetry/exporter-trace-otlp-grpc',
  '@grpc/grpc-js',
];

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
  };
}

export function packageVersions() {
  const versions = Object.fromEntries(PACKAGES.map((p) => [p, versionOf(p)]));
  try {
    versions['@acme/otel'] = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  } catch {}
  return versions;
}
