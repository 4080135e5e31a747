// util/: modules loaded on first use, off the start-up path.
export { onFirstListen } from './first-listen.js';
export { createHash } from './lazy-crypto.js';
export { lazyRequire } from './lazy-require.js';
export { MAX_TIMER_MILLIS } from './timer-limit.js';
