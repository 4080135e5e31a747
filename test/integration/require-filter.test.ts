// require-in-the-middle resolves every require of the process a second time; the build's hook sits
// behind a filter (src/instrumentations/require-filter.ts) that lets through only requires that can
// load a package an instrumentation registered. In a real process on dist/: the others cost no
// extra resolution, and the registered ones are still patched.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnNode } from '../support/child.js';
import { setup as buildDist } from '../support/global-setup.js';

interface Report {
  unwatched: { loads: number; resolves: number };
  watched: { loads: number; resolves: number };
  pgQueryPatched: boolean;
  poolConnectPatched: boolean;
}

beforeAll(() => {
  if (!existsSync(`${repoRoot}dist/register.cjs`)) buildDist();
}, 120_000);

async function run(args: string[]): Promise<Report> {
  const child = spawnNode([...args, 'test/fixtures/require-filter-app.cjs'], {
    OTEL_TRACES_EXPORTER: 'none',
  });
  const { code } = await child.exited;
  const output = child.output();
  expect(code, output).toBe(0);
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as Report;
}

describe('the require hook filter (dist/, --require register)', () => {
  it('requires of packages no instrumentation patches cost what they cost untraced; pg and pg-pool go through the hook and are patched', async () => {
    const bare = await run([]);
    const traced = await run(['--require', `${repoRoot}dist/register.cjs`]);
    const report = JSON.stringify({ bare, traced });
    expect(bare.unwatched.loads, report).toBeGreaterThan(5);
    // The same module graph resolved the same number of times: no second resolution per require.
    expect(traced.unwatched, report).toEqual(bare.unwatched);
    // Through the hook, which resolves again (unfiltered, qs cost 185 resolutions instead of 77 on Node 20).
    expect(traced.watched.resolves, report).toBeGreaterThan(bare.watched.resolves);
    expect(traced.pgQueryPatched, report).toBe(true);
    expect(traced.poolConnectPatched, report).toBe(true);
    // The check can tell: untraced, nothing is patched.
    expect(bare.pgQueryPatched || bare.poolConnectPatched, report).toBe(false);
  });
});
