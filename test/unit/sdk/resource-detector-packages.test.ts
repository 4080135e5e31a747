// The cloud detector packages are optional peers (issue 21): not in a user's install unless the
// user adds one, and the line for a listed-but-missing one names the version to install. These
// checks keep package.json and src/resource.ts saying the same thing. (The missing-package line
// itself is checked in a real install: test/integration/packed-package.test.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOUD_DETECTOR_PACKAGES } from '../../../src/sdk/resource.js';
import { repoRoot } from '../../support/child.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));

describe('cloud resource detector packages', () => {
  it.each(Object.entries(CLOUD_DETECTOR_PACKAGES))(
    '%s: an optional peer whose range starts at the version the message names, and a devDependency at that version',
    (_name, { pkg: name, version }) => {
      expect(pkg.dependencies[name]).toBeUndefined();
      expect(pkg.optionalDependencies?.[name]).toBeUndefined();
      expect(pkg.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(pkg.peerDependencies[name]).toBe(`>=${version} <${Number(version.split('.')[0]) + 1}`);
      expect(pkg.devDependencies[name]).toBe(version);
      // What the repository's own tests run against.
      expect(lock.packages[`node_modules/${name}`].version).toBe(version);
    },
  );

  it('covers every cloud detector package that package.json mentions', () => {
    const mentioned = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.devDependencies })
      .filter(
        (n) =>
          n.startsWith('@opentelemetry/resource-detector-') &&
          n !== '@opentelemetry/resource-detector-container',
      )
      .sort();
    expect(mentioned).toEqual(
      Object.values(CLOUD_DETECTOR_PACKAGES)
        .map((p) => p.pkg)
        .sort(),
    );
  });
});
