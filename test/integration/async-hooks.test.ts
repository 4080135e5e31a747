// A hook of the app's given in code that is `async` and rejects: a span processor's onEnd, a
// sampler's shouldSample, a propagator's inject and extract, an exporter's export. Their interfaces
// return void or a plain value, so the SDK drops the Promise and its rejection went unhandled: on
// Node's default --unhandled-rejections=throw, each of these processes exited 1 at the first span
// (or request). Now each runs to the end, the hook named once, and the spans still go out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startReceiver } from '../support/otlp-receiver.mjs';
import { runNode } from '../support/run-pair.js';

let rx: OtlpReceiver;
beforeAll(async () => {
  rx = await startReceiver({ port: 0 });
});
afterAll(() => rx.stop());

const hooks: [string, RegExp, number][] = [
  ['processor', /spanProcessors\[0\] threw in onEnd \(onEnd rejected\)/, 5],
  ['sampler', /the sampler given in code returned a Promise, not a SamplingResult/, 5],
  ['propagator', /the propagator given in code, a propagator (inject|extract), threw/, 5],
  ['exporter', /failed to export \d+ spans?: export rejected/, 0],
];

describe('an async hook of the app that rejects', () => {
  it.each(hooks)(
    '%s: the process runs to the end, the hook is named, spans go out',
    async (hook, named, spans) => {
      rx.clear();
      const run = await runNode('test/fixtures/async-hooks-app.cjs', false, {
        env: { HOOK: hook, OTEL_EXPORTER_OTLP_ENDPOINT: rx.endpoint, OTEL_SERVICE_NAME: `async-${hook}` },
      });
      expect(run.stderr).not.toContain('rejected\n    at');
      expect(run.stdout, run.stderr).toContain('survived');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(named);
      // The request's client and server spans, those of its call out, and the span ended by hand.
      expect(rx.spans().filter((s) => s.resource['service.name'] === `async-${hook}`)).toHaveLength(spans);
    },
  );
});
