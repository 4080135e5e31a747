// util/: modules loaded on first use, off the start-up path.
export { createHash } from './lazy-crypto.js';
export { lazyRequire } from './lazy-require.js';
