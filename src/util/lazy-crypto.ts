import { lazyRequire } from './lazy-require.js';

// `node:crypto` is 16 internal modules: ~3–6 ms of start-up for an app that does not load it
// itself (`node app.js`; `node -e` loads it anyway). Nothing on the start-up path needs it, so it
// is required on first use. The bundled @opentelemetry/resources imports `randomUUID` from here
// too (tsup.config.ts), for its service.instance.id detector; we use our own (instance-id.ts).

type Crypto = typeof import('node:crypto');

let crypto: Crypto | undefined;
function load(): Crypto {
  crypto ??= lazyRequire('node:crypto') as Crypto;
  return crypto;
}

export function randomUUID(): string {
  return load().randomUUID();
}

export function createHash(algorithm: string): ReturnType<Crypto['createHash']> {
  return load().createHash(algorithm);
}
