// Runs a long group (memory, outage) once per listed config, in turn: a config not built yet is
// reported as missing, a failed run as its error, and the rest continue.

/**
 * `run(config)` resolves the config's figures; `describe(id, figures)` is the progress line.
 * Resolves { [id]: { label, missing, error?, ...figures } }.
 */
export async function runPerConfig(ctx, ids, run, describe) {
  const { configs, log } = ctx;
  const out = {};
  for (const id of ids) {
    const config = configs.find((c) => c.id === id);
    if (!config) continue;
    if (config.missing) {
      out[id] = { label: config.label, missing: config.missing };
      continue;
    }
    try {
      out[id] = { label: config.label, missing: null, ...(await run(config)) };
      log(`  ${id}: ${describe(out[id])}`);
    } catch (err) {
      out[id] = { label: config.label, missing: null, error: String(err.message ?? err) };
      log(`  ${id}: ERROR ${out[id].error.split('\n')[0]}`);
    }
  }
  return out;
}
