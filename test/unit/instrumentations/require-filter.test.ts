// The filter in front of require-in-the-middle (src/instrumentations/require-filter.ts): a require
// goes around the hook only when it cannot load a file of a package an instrumentation registered.
import Module, { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import {
  filterNewRequireHook,
  mayLoadWatched,
  watchPackages,
} from '../../../src/instrumentations/require-filter.js';
import { landsIn } from '../../../src/instrumentations/require-gate.js';

watchPackages([
  'pg',
  'pg-pool',
  '@redis/client',
  'mongodb/lib/cmap/connection.js',
  'node:http',
  'fs/promises',
  '/abs/handler.js',
]);

const proto = Module.prototype as unknown as { require: (id: string) => unknown };
const inPg = '/app/node_modules/pg/lib/index.js';
const inApp = '/app/src/server.js';

describe('mayLoadWatched', () => {
  it('judges a bare specifier by its package, scoped or not, and a built-in by its name', () => {
    expect(mayLoadWatched('pg', inApp)).toBe(true);
    expect(mayLoadWatched('pg/lib/client.js', inApp)).toBe(true);
    expect(mayLoadWatched('@redis/client/dist/x', inApp)).toBe(true);
    expect(mayLoadWatched('@redis/other', inApp)).toBe(false);
    expect(mayLoadWatched('mongodb', inApp)).toBe(true); // a file definition watches its package
    expect(mayLoadWatched('http', inApp)).toBe(true);
    expect(mayLoadWatched('node:http', inApp)).toBe(true);
    expect(mayLoadWatched('node:os', inApp)).toBe(false);
    expect(mayLoadWatched('fs/promises', inApp)).toBe(true);
    expect(mayLoadWatched('node:fs', undefined)).toBe(true); // process.getBuiltinModule has no parent
    expect(mayLoadWatched('express', inApp)).toBe(false);
    expect(mayLoadWatched('pgx', inApp)).toBe(false);
  });

  it('judges a relative specifier by where it lands, a # import by the requiring package', () => {
    expect(mayLoadWatched('./client', inPg)).toBe(true);
    expect(mayLoadWatched('../../pg-pool/index.js', inPg)).toBe(true);
    expect(mayLoadWatched('../../pg-types/index.js', inPg)).toBe(false);
    expect(mayLoadWatched('./node_modules/pg', inApp)).toBe(true);
    expect(mayLoadWatched('./db', inApp)).toBe(false);
    expect(mayLoadWatched('./x', '/app/node_modules/pg/node_modules/debug/src/index.js')).toBe(false);
    expect(mayLoadWatched('#internal', inPg)).toBe(true);
    expect(mayLoadWatched('#internal', inApp)).toBe(false);
  });

  it('judges an absolute path by its own package; passes what it cannot decide', () => {
    expect(mayLoadWatched('/app/node_modules/pg/lib/index.js', inApp)).toBe(true);
    expect(mayLoadWatched('/app/lib/db.js', inPg)).toBe(false);
    expect(mayLoadWatched('/abs/handler.js', inApp)).toBe(false); // absolute names get a hook of their own
    expect(mayLoadWatched('./client', undefined)).toBe(true);
    expect(mayLoadWatched('./client', 'repl')).toBe(true);
    expect(mayLoadWatched('', inApp)).toBe(true);
    expect(mayLoadWatched(42, inApp)).toBe(true);
  });
});

describe('filterNewRequireHook', () => {
  const original = proto.require;
  afterEach(() => {
    proto.require = original;
  });

  it('sends only requires of watched packages through a hook installed by install(), the rest around it', () => {
    const seen: string[] = [];
    const before = proto.require;
    const result = filterNewRequireHook(() => {
      proto.require = function hook(this: unknown, id: string) {
        seen.push(id);
        return before.call(this, id);
      };
      return 'installed';
    });
    expect(result).toBe('installed');
    const require = createRequire(import.meta.url);
    expect(require('node:os')).toBe(require('node:os'));
    expect(typeof require('node:http').createServer).toBe('function');
    expect(seen).toEqual(['node:http']);
  });

  it('filters process.getBuiltinModule the same way, where Node has it', () => {
    const proc = process as { getBuiltinModule?: (id: string) => unknown };
    const get = proc.getBuiltinModule;
    if (get === undefined) return;
    const seen: string[] = [];
    try {
      filterNewRequireHook(() => {
        proc.getBuiltinModule = (id: string) => {
          seen.push(id);
          return get.call(process, id);
        };
      });
      expect(proc.getBuiltinModule?.('node:os')).toBe(get.call(process, 'node:os'));
      expect(proc.getBuiltinModule?.('fs/promises')).toBe(get.call(process, 'fs/promises'));
      expect(seen).toEqual(['fs/promises']);
    } finally {
      proc.getBuiltinModule = get;
    }
  });

  it('leaves require() alone when install() hooked nothing (the hook existed already)', () => {
    const before = proto.require;
    filterNewRequireHook(() => undefined);
    expect(proto.require).toBe(before);
  });
});

describe('watchPackages(undefined)', () => {
  it('lets every require through from then on (an instrumentation that cannot say what it hooks)', () => {
    expect(mayLoadWatched('express', inApp)).toBe(false);
    watchPackages(undefined);
    try {
      expect(mayLoadWatched('express', inApp)).toBe(true);
      expect(mayLoadWatched('./db', inApp)).toBe(true);
    } finally {
      // The set is the process's (globalThis): leave it as it was for whatever runs next here.
      (globalThis as Record<symbol, Set<string>>)[Symbol.for('@acme/otel/require-filter')]?.delete('\0');
    }
  });
});

describe('landsIn (the require gate uses it too)', () => {
  it('judges against the set it is given: package names, a built-in subpath by its module', () => {
    const gate = new Set(['fs', '@redis/client']);
    expect(landsIn(gate, 'node:fs/promises', undefined)).toBe(true);
    expect(landsIn(gate, '@redis/client/dist/index.js', inApp)).toBe(true);
    expect(landsIn(gate, './lib/x', '/app/node_modules/@redis/client/dist/index.js')).toBe(true);
    expect(landsIn(gate, 'pg', inApp)).toBe(false);
    expect(landsIn(gate, './lib/x', inPg)).toBe(false);
  });

  // Most relative requires are told by the requiring file's package without resolving the path;
  // these are the ones where that shortcut would answer wrongly, so they must be resolved.
  it("resolves a relative specifier where the requiring file's package does not decide", () => {
    const pkgs = new Set(['pg', 'pg-pool', 'x', 'index.js', '@s/x', '@s/index.js']);
    expect(landsIn(pkgs, './x', '/app/node_modules/index.js')).toBe(true); // node_modules/x
    expect(landsIn(pkgs, './y', '/app/node_modules/index.js')).toBe(false);
    expect(landsIn(pkgs, './x', '/app/node_modules/@s/index.js')).toBe(true); // @s/x
    expect(landsIn(pkgs, './lib/../../pg-pool', inPg)).toBe(true);
    expect(landsIn(pkgs, './node_modules/pg/lib', inApp)).toBe(true);
    expect(landsIn(pkgs, '.', inPg)).toBe(true);
    expect(landsIn(pkgs, './', '/app/src/index.js')).toBe(false);
    expect(landsIn(new Set(['debug']), './src/x', '/app/node_modules/pg/node_modules/debug/index.js')).toBe(
      true,
    );
  });
});
