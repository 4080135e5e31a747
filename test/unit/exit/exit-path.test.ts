// The exit path never fails silently: when its flush throws (whatever the cause), the loss is said
// at warn level. Before, it was a debug line, and a crash whose error's getters threw lost every
// pending span that way (test/integration/crash.test.ts has that case end to end).
import { afterEach, expect, it } from 'vitest';
import { installExitPath } from '../../../src/exit/exit-path.js';
import { OpenSpanTracker } from '../../../src/exit/open-spans.js';
import { captureLogLines, resetTracing } from '../../support/reset.js';

afterEach(resetTracing);

it('a flush that throws says that pending spans were lost', () => {
  const lines = captureLogLines();
  const tracker = new OpenSpanTracker();
  Object.defineProperty(tracker, 'size', { get: () => 1 });
  tracker.endAll = () => {
    throw new Error('ending the open spans failed');
  };
  const before = new Set(process.listeners('exit'));
  const exitPath = installExitPath({
    tracker,
    otlp: [],
    others: [],
    target: () => {
      throw new Error('not reached');
    },
    timeoutMillis: 100,
  });
  // Called directly: emitting 'exit' would run the test runner's own listeners. The exit path's is
  // the one appended (the one it prepends only notes the exit code).
  const onExit = process
    .listeners('exit')
    .filter((l) => !before.has(l))
    .at(-1)!;
  try {
    (onExit as (code: number) => void)(1);
  } finally {
    exitPath.dispose();
  }
  expect(lines).toContain(
    '[@acme/otel] spans pending at exit were lost: the exit flush failed (ending the open spans failed)',
  );
});
