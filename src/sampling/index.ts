// sampling/: samplers, the id generator and the W3C random-trace-id flag.
export { PooledIdGenerator } from './id-generator.js';
export { keepRandomFlagOnUnrecordedSpans, RandomTraceIdFlagProcessor } from './random-flag.js';
export { createSampler } from './sampler.js';
export { setStartAttributesRead, startAttributesAreRead } from './start-attributes.js';
