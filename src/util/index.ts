export { createHash } from './lazy-crypto.js';
export { lazyRequire } from './lazy-require.js';
