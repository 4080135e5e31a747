import type { ResourceDetector } from '@opentelemetry/resources';

/**
 * `service.instance.id`: a random (version 4) UUID, the same for the whole process. Drawn from
 * `Math.random` rather than `crypto.randomUUID()` because loading `node:crypto` (16 internal
 * modules) cost 3–6 ms of start-up in an app that does not load it itself, and the id needs to be
 * unique, not secret: V8 seeds its generator from the OS entropy source per process, and RFC 9562
 * allows pseudo-random bits for version 4.
 */
export const instanceIdDetector: ResourceDetector = {
  detect: () => ({ attributes: { 'service.instance.id': processInstanceId() } }),
};

let id: string | undefined;

export function processInstanceId(): string {
  id ??= randomUuidV4();
  return id;
}

function randomUuidV4(): string {
  const bytes = new Array<number>(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
