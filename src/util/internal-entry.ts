import { lazyRequire } from './lazy-require.js';

/**
 * One of our internal dist entries (`register-start`, `log-scrubber`), loaded synchronously on
 * first use: the ES build through require(esm) (Node 20.19+, 22.12+), so that modules the
 * application imported from `@acme/otel` are the same instances; where Node has no require(esm),
 * or this code runs from the CommonJS build, the CommonJS twin (the process-wide state lives in
 * global slots both builds share).
 */
export function requireEntry(name: string): unknown {
  const here = import.meta.url ?? '';
  const esm =
    here.endsWith('.js') && (process.features as { require_module?: boolean }).require_module === true;
  return lazyRequire(esm ? `./${name}.js` : `./${name}.cjs`);
}
