// Entry of the instrumentation bundle (tsup.config.ts, dist/instrumentations/framework.cjs): what
// the lazy loader needs from the instrumentation framework before any instrumentation is loaded,
// from the same chunk the bundled instrumentations register through. Reach-ins are listed in
// test/unit/upstream-api.allow.json.
export { RequireInTheMiddleSingleton } from '@opentelemetry/instrumentation/build/esm/platform/node/RequireInTheMiddleSingleton.js';
