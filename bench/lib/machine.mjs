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

/**
 * CPU time the hypervisor took from this VM (all CPUs, ms; /proc/stat's steal column), or null
 * off Linux. While it runs, a vCPU is simply not there: every process on it stalls, traced or not,
 * so a latency window with more steal has a longer tail whatever the server does.
 */
export function stealMs() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    // cpu user nice system idle iowait irq softirq steal …, in USER_HZ (100 on Linux).
    return Number(fields[8]) * 10;
  } catch {
    return null;
  }
}

export function packageVersions() {
  const versions = Object.fromEntries(PACKAGES.map((p) => [p, versionOf(p)]));
  try {
    versions['@acme/otel'] = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
  } catch {}
  return versions;
}
