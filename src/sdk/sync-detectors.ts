import { readFileSync } from 'node:fs';
import { arch, hostname } from 'node:os';
import { type Attributes, context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { containerDetector } from '@opentelemetry/resource-detector-container';
import { hostDetector, type ResourceDetector } from '@opentelemetry/resources';
import { log } from '../diag/index.js';

/**
 * `host.*` and `container.id` as upstream's hostDetector (resources 2.12) and containerDetector
 * (resource-detector-container 0.8) give them, with the Linux files read synchronously.
 *
 * Why: upstream reads /etc/machine-id and /proc/self/cgroup with async `fs`, so every start-up
 * loaded `fs.promises` (with readline, ~2.6 ms on Node 20), started libuv's thread pool (~1.6 ms)
 * and kept even an empty process alive until both reads came back; the resource stayed pending
 * until then, so an exit in the first milliseconds sent spans without `host.id`. Reading these
 * small kernel-backed files synchronously takes ~0.1 ms (docs/performance.md, 2026-12-03).
 * On other platforms upstream's detectors run unchanged (macOS and Windows start a child process).
 * test/unit/sdk/sync-detectors.test.ts checks that both give the same attributes.
 */
export const syncHostDetector: ResourceDetector =
  process.platform === 'linux' ? { detect: () => ({ attributes: linuxHostAttributes() }) } : hostDetector;

export const syncContainerDetector: ResourceDetector =
  process.platform === 'linux'
    ? { detect: () => ({ attributes: optional('container.id', untraced(containerIdFromCgroups)) }) }
    : containerDetector;

function linuxHostAttributes(): Attributes {
  return {
    'host.name': hostname(),
    'host.arch': normalizeArch(arch()),
    ...optional('host.id', untraced(linuxMachineId)),
  };
}

function optional(key: string, value: string | undefined): Attributes {
  return value === undefined ? {} : { [key]: value };
}

// Upstream runs its container read with tracing suppressed, so an fs instrumentation (someone
// else's, enabled before us) does not record it.
function untraced<T>(fn: () => T): T {
  return context.with(suppressTracing(context.active()), fn);
}

/** The spec's names for Node's `os.arch()` values, as upstream's normalizeArch. */
function normalizeArch(nodeArch: string): string {
  if (nodeArch === 'arm') return 'arm32';
  if (nodeArch === 'ppc') return 'ppc32';
  if (nodeArch === 'x64') return 'amd64';
  return nodeArch;
}

function linuxMachineId(): string | undefined {
  for (const path of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch (error) {
      log.debug(`error reading machine id: ${error}`);
    }
  }
  return undefined;
}

const MARKING_PREFIX = ['containers', 'overlay-containers'];
const CONTAINER_ID_LENGTH = 64;
const HEX = /^[a-f0-9]+$/i;

/** cgroup v1 first; then v2's mountinfo, which is read only when v1's file was readable. */
function containerIdFromCgroups(): string | undefined {
  try {
    for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
      const id = containerIdFromCgroupLine(line);
      if (id) return id;
    }
    return containerIdFromMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')) || undefined;
  } catch (error) {
    log.debug(`container detector failed to read the container id: ${(error as Error).message}`);
    return undefined;
  }
}

export function containerIdFromCgroupLine(line: string): string | undefined {
  if (!line) return undefined;
  const sections = line.split('/');
  if (sections.length <= 1) return undefined;
  let last = sections[sections.length - 1]!;
  // containerd 1.5+ with the systemd cgroup driver: `...:cri-containerd:<id>`.
  const colon = last.lastIndexOf(':');
  if (colon !== -1) last = last.substring(colon + 1);
  for (const prefix of ['crio-', 'docker-', 'cri-containerd-']) {
    if (last.startsWith(prefix)) {
      last = last.substring(prefix.length);
      break;
    }
  }
  if (last.includes('.')) last = last.split('.')[0]!;
  return HEX.test(last) ? last : undefined;
}

export function containerIdFromMountinfo(text: string): string {
  const line = text
    .trim()
    .split('\n')
    .find((s) => s.includes('hostname'));
  if (!line) return '';
  const parts = line.split('/');
  for (let i = 0; i < parts.length - 1; i++) {
    if (MARKING_PREFIX.includes(parts[i]!) && parts[i + 1]?.length === CONTAINER_ID_LENGTH)
      return parts[i + 1]!;
  }
  return '';
}
