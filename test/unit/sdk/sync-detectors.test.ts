// src/sdk/sync-detectors.ts reads host.id and container.id synchronously on Linux instead of
// through upstream's async detectors (start-up cost: docs/performance.md, 2026-12-03). These
// checks hold it to upstream's answers: the same attributes on this machine, and the same
// container id parsing on the cgroup shapes upstream's own tests use.
import { createRequire } from 'node:module';
import { containerDetector } from '@opentelemetry/resource-detector-container';
import { hostDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import {
  containerIdFromCgroupLine,
  containerIdFromMountinfo,
  syncContainerDetector,
  syncHostDetector,
} from '../../../src/sdk/sync-detectors.js';

// Upstream's own line parser (not exported; read by path here, in a test only).
const upstreamLine = (
  createRequire(import.meta.url)(
    '@opentelemetry/resource-detector-container/build/src/detectors/utils.js',
  ) as {
    extractContainerIdFromLine(line: string): string | undefined;
  }
).extractContainerIdFromLine;

async function settled(detected: { attributes?: Record<string, unknown> }) {
  const resource = resourceFromAttributes((detected.attributes ?? {}) as never);
  await resource.waitForAsyncAttributes?.();
  return resource.attributes;
}

describe('synchronous host and container detectors', () => {
  it('give the attributes upstream gives on this machine', async () => {
    expect(await settled(syncHostDetector.detect())).toEqual(await settled(hostDetector.detect()));
    expect(await settled(syncContainerDetector.detect())).toEqual(await settled(containerDetector.detect()));
  });

  it.runIf(process.platform === 'linux')('leave nothing pending on Linux', () => {
    for (const detector of [syncHostDetector, syncContainerDetector]) {
      const values = Object.values(detector.detect().attributes ?? {});
      expect(values.some((v) => v instanceof Promise)).toBe(false);
    }
    expect(syncHostDetector.detect().attributes?.['host.id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('parse cgroup v1 lines as upstream does', () => {
    const id = 'bcd3e9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d';
    const lines = [
      `12:pids:/docker/${id}`,
      `1:name=systemd:/kubepods/pod1/crio-${id}.scope`,
      `0::/system.slice/docker-${id}.scope`,
      `0::/kubepods.slice/cri-containerd:${id}`,
      `0::/kubepods/cri-containerd-${id}.scope`,
      `0::/kubepods/crio-conmon-${id}.scope`,
      '0::/',
      '9:name=systemd:/user.slice/not-hex',
      'no-slash',
      '',
    ];
    for (const line of lines)
      expect({ line, id: containerIdFromCgroupLine(line) }).toEqual({ line, id: upstreamLine(line) });
    expect(containerIdFromCgroupLine(lines[0]!)).toBe(id);
    expect(containerIdFromCgroupLine(lines[3]!)).toBe(id);
  });

  it('parse cgroup v2 mountinfo as upstream does', () => {
    const id = 'a'.repeat(64);
    const line = `2 1 0:1 /var/lib/containers/${id}/hostname /etc/hostname rw - ext4 /dev/vda1 rw`;
    expect(containerIdFromMountinfo(`1 0 0:2 / / rw\n${line}\n`)).toBe(id);
    expect(containerIdFromMountinfo(line.replace('containers', 'overlay-containers'))).toBe(id);
    expect(containerIdFromMountinfo(line.replace(id, 'b'.repeat(63)))).toBe('');
    expect(containerIdFromMountinfo('1 0 0:2 / / rw')).toBe('');
  });
});
