// A type test, checked by `tsc --noEmit -p tsconfig.json` (the typecheck step of `npm test`): the
// handle's `config` is the precise EffectiveConfig, so a misspelt field is a compile error instead
// of `undefined` at run time (issue 21). Never executed.
import {
  describeConfig,
  type EffectiveConfig,
  initTracing,
  resolveConfig,
  type TracingHandle,
} from '../../src/index.js';

declare const tracing: TracingHandle;

const exporters: readonly string[] = tracing.config.exporters;
const service: string | undefined = tracing.config.serviceName;
const batchSize: number = tracing.config.batch.maxExportBatchSize;
// @ts-expect-error `exporter` is not a field of the effective config (it is `exporters`).
void tracing.config.exporter;
// @ts-expect-error the effective config is read-only.
tracing.config.serviceName = 'other';
// @ts-expect-error `shutdownTimeoutMillis` is a number, not a string.
const timeout: string = tracing.config.shutdownTimeoutMillis;

const described: EffectiveConfig = describeConfig(resolveConfig({ serviceName: 'typed' }, {}));
export const check = { exporters, service, batchSize, timeout, described, initTracing };
