// Guard for issue #23 ("public APIs only"): src/ may use of upstream only what upstream exports.
// Anything else must be listed, with a reason and the version it was checked against, in
// upstream-api.allow.json next to this file, so an upgrade or a new reach-in cannot pass silently.
//
// 1. Imports. Every module specifier in src/**/*.ts that names a package (not relative, not
//    `node:`) is collected: `import … from`, `export … from`, `import '…'`, `import('…')` (also in
//    `typeof import`), `require('…')`, our `lazyRequire('…')` / `lazyRequire.resolve('…')` and the
//    helpers that forward to it (`requireInstrumentationPackage`, `requireStep`, the require that
//    `requireFromInstrumentation()` returns), plus any other string literal in code that spells
//    an installed upstream package with a subpath (a specifier kept in a constant). A subpath
//    (`pkg/sub/path`) must be allowed by the package's own `package.json` `exports` in
//    node_modules (exact key, or a `*` pattern not mapped to null); a package without `exports`
//    allows only its root. A template literal with a computed package and a literal subpath
//    (`${pkg}/build/src/utils`) cannot be checked and always needs an entry.
// 2. Private members. Heuristic (a name alone cannot tell whose object it is): every `_name`
//    src/ declares itself is ours — class members with a modifier (`private _x`, `readonly _x`,
//    `static`, `get`/`set`…), class fields with an initializer (`_x = …`), methods with a body
//    (`_x(…) {`), constructor parameter properties (`constructor(private _x …)`) and
//    `this._x = …` assignments. Interface and type members do not count: src/
//    describes upstream's private shapes with them. Every access `._x`, `?._x`, `['_x']`,
//    `'_x' in` whose name src/ does not declare is on an upstream object; so is every
//    `super._x` and every `override _x` member (we subclass only upstream classes), even if the
//    name is also one of ours.
//    Not caught: an access to an upstream `_x` whose name src/ also declares elsewhere (today
//    every non-`this` access is listed or on our own class), and a subclass field that silently
//    shadows an upstream private of the same name.
// 3. TypeScript privates without an underscore. Every `private name` declared in an installed
//    @opentelemetry package's .d.ts files and never declared public there is collected; a
//    distinctive one (8+ characters, camelCase, like instrumentation-undici's `onRequestCreated`)
//    named in src/ code as `.name`, `['name']` or a string literal is a reach-in too. Generic names
//    (`module`, `exported`) are left out: too many of our own members share them.
// 4. Upstream's process-wide globals. A string literal naming one of the OpenTelemetry API's global
//    slots (`opentelemetry.js.api.<major>`, the key its copies share their registrations under)
//    is a reach-in too.
// Entries that match nothing fail too (stale), and so does an entry whose package is no longer
// installed at the version it names: re-check the reach-in against the new version, then bump it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface AllowEntry {
  file: string;
  kind: 'import' | 'member' | 'global';
  what: string;
  reason: string;
  checkedAgainst: string;
}

interface Finding {
  file: string;
  line: number;
  kind: 'import' | 'member' | 'global';
  what: string;
  why: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const srcDir = join(root, 'src');
const allowList = JSON.parse(readFileSync(join(here, 'upstream-api.allow.json'), 'utf8')) as {
  entries: AllowEntry[];
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

interface Scanned {
  /** The source with comments blanked (newlines kept, so offsets give the same lines). */
  code: string;
  /** Every string or template literal in code: its text between the quotes and its offset. */
  literals: { text: string; at: number; template: boolean }[];
}

/**
 * One linear pass: blank comments, collect string literals. Template literals are kept whole
 * (their `${…}` parts are not parsed for nested literals: src/ has no specifiers there).
 * A `/` after one of `(,=:[!&|?{};` (or at the start) starts a regex literal: its body is blanked
 * too, so quotes, `//` or `._` inside it are not read as code.
 */
function scan(source: string): Scanned {
  const chars = source.split('');
  const literals: Scanned['literals'] = [];
  let i = 0;
  let lastSignificant = '';
  while (i < chars.length) {
    const c = chars[i];
    const next = chars[i + 1];
    if (c === '/' && next === '/') {
      while (i < chars.length && chars[i] !== '\n') chars[i++] = ' ';
    } else if (c === '/' && next === '*') {
      while (i < chars.length && !(chars[i] === '*' && chars[i + 1] === '/')) {
        if (chars[i] !== '\n') chars[i] = ' ';
        i++;
      }
      if (i < chars.length) {
        chars[i] = ' ';
        chars[i + 1] = ' ';
        i += 2;
      }
    } else if (c === '/' && (lastSignificant === '' || '(,=:[!&|?{};'.includes(lastSignificant))) {
      // A regex literal: blanked, so `._` or quotes inside it are not read as code.
      const start = i;
      i++;
      let inClass = false;
      while (i < chars.length && chars[i] !== '\n') {
        if (chars[i] === '\\') i++;
        else if (chars[i] === '[') inClass = true;
        else if (chars[i] === ']') inClass = false;
        else if (chars[i] === '/' && !inClass) break;
        i++;
      }
      i++;
      for (let k = start + 1; k < i - 1 && k < chars.length; k++) chars[k] = ' ';
      lastSignificant = 'r';
    } else if (c === "'" || c === '"' || c === '`') {
      const start = i + 1;
      i++;
      while (i < chars.length && chars[i] !== c) {
        if (chars[i] === '\\') i++;
        i++;
      }
      literals.push({ text: source.slice(start, i), at: start, template: c === '`' });
      i++;
      lastSignificant = c;
    } else {
      if (c !== undefined && !/\s/.test(c)) lastSignificant = c;
      i++;
    }
  }
  return { code: chars.join(''), literals };
}

function lineAt(code: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (code.charCodeAt(i) === 10) line++;
  return line;
}

function packageOf(specifier: string): { pkg: string; sub: string } {
  const parts = specifier.split('/');
  const n = specifier.startsWith('@') ? 2 : 1;
  return { pkg: parts.slice(0, n).join('/'), sub: parts.slice(n).join('/') };
}

const manifests = new Map<string, Record<string, unknown> | undefined>();
function manifest(pkg: string): Record<string, unknown> | undefined {
  if (!manifests.has(pkg)) {
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8'));
    } catch {
      json = undefined;
    }
    manifests.set(pkg, json);
  }
  return manifests.get(pkg);
}

/** Whether `exports` lets `pkg/sub` be imported (see the header). */
function exported(pkg: string, sub: string): boolean | 'not installed' {
  const json = manifest(pkg);
  if (json === undefined) return 'not installed';
  if (sub === '') return true;
  const map = json.exports;
  if (map === undefined || map === null || typeof map !== 'object' || Array.isArray(map)) return false;
  const keys = Object.keys(map);
  if (!keys.some((k) => k.startsWith('.'))) return false; // conditions only: the root alone
  const wanted = `./${sub}`;
  const table = map as Record<string, unknown>;
  if (wanted in table) return table[wanted] !== null;
  let best: { key: string; prefix: number } | undefined;
  for (const key of keys) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (
      wanted.length >= prefix.length + suffix.length &&
      wanted.startsWith(prefix) &&
      wanted.endsWith(suffix)
    ) {
      if (best === undefined || prefix.length > best.prefix) best = { key, prefix: prefix.length };
    }
  }
  return best !== undefined && table[best.key] !== null;
}

const REQUIRE_LIKE =
  /(?:\b(?:require|lazyRequire|requireInstrumentationPackage|requireStep)(?:\.resolve)?|\brequireFromInstrumentation\(\))\s*\(\s*$/;
const IMPORT_LIKE = /(?:\bfrom|\bimport|\bimport\s*\()\s*$/;

function isBare(specifier: string): boolean {
  return (
    /^(?:@[\w.-]+\/)?[\w.-]/.test(specifier) && !specifier.startsWith('.') && !specifier.startsWith('node:')
  );
}

const ID = '[A-Za-z0-9_$]';
const DECLARED = [
  new RegExp(
    `^[ \\t]*(?:(?:private|protected|public|readonly|static|declare|async|get|set|accessor|abstract)[ \\t]+)+(_${ID}*)`,
    'gm',
  ),
  // Constructor parameter properties: `constructor(private readonly _buf: Uint8Array)`.
  new RegExp(`[(,][ \\t\\n]*(?:(?:private|protected|public|readonly)[ \\t]+)+(_${ID}*)`, 'g'),
  new RegExp(`^[ \\t]*(_${ID}*)[ \\t]*[?!]?[ \\t]*(?::[^;=\\n]*)?=[^>=]`, 'gm'),
  new RegExp(`^[ \\t]*(?:async[ \\t]+)?(_${ID}*)[ \\t]*\\([^\\n]*\\{[ \\t]*$`, 'gm'),
  new RegExp(`\\bthis\\.(_${ID}*)[ \\t]*(?:=[^=]|\\?\\?=|\\|\\|=)`, 'g'),
];
const ACCESS = new RegExp(
  `(super)?(?:\\?\\.|\\.)[ \\t]*(_${ID}*)|\\[[ \\t]*['"](_${ID}*)['"][ \\t]*\\]|['"](_${ID}*)['"][ \\t]+in\\b`,
  'g',
);
const OVERRIDE = new RegExp(`\\boverride[ \\t]+(?:(?:readonly|async|get|set)[ \\t]+)*(_${ID}*)`, 'g');

/** [start, end) offsets of `interface … {…}` and `type … = {…}` bodies: shapes, not declarations. */
function typeBodies(code: string): [number, number][] {
  const out: [number, number][] = [];
  for (const m of code.matchAll(
    /\b(?:interface[ \t]+[A-Za-z0-9_$]+[^{;]*|type[ \t]+[A-Za-z0-9_$]+[^=;{]*=[ \t\n]*)\{/g,
  )) {
    const open = m.index + m[0].length - 1;
    let depth = 0;
    let i = open;
    for (; i < code.length; i++) {
      if (code[i] === '{') depth++;
      else if (code[i] === '}' && --depth === 0) break;
    }
    out.push([open, i]);
  }
  return out;
}

/** Distinctive names upstream declares only as `private` (see the header, 3). */
function upstreamPrivateNames(): Set<string> {
  const priv = new Set<string>();
  const pub = new Set<string>();
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'node_modules' && name !== 'esm' && name !== 'esnext') walk(path);
      } else if (name.endsWith('.d.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const m of text.matchAll(
          /^[ \t]*(?:(?:static|readonly)[ \t]+)*private[ \t]+(?:(?:static|readonly)[ \t]+)*([A-Za-z0-9_$]+)/gm,
        ))
          priv.add(m[1] as string);
        for (const m of text.matchAll(
          /^[ \t]*(?:(?:static|readonly|public|abstract|get|set)[ \t]+)*([A-Za-z0-9_$]+)\??[ \t]*[(:<]/gm,
        ))
          pub.add(m[1] as string);
      }
    }
  };
  const scope = join(root, 'node_modules', '@opentelemetry');
  for (const pkg of readdirSync(scope)) walk(join(scope, pkg, 'build'));
  return new Set([...priv].filter((n) => !pub.has(n) && n.length >= 8 && /^[a-z][a-z0-9]*[A-Z]/.test(n)));
}

function findings(): Finding[] {
  const privateNames = upstreamPrivateNames();
  const files = sourceFiles(srcDir).map((path) => {
    const source = readFileSync(path, 'utf8');
    return { path, rel: relative(root, path).split('\\').join('/'), ...scan(source) };
  });

  const ours = new Set<string>();
  for (const f of files) {
    const shapes = typeBodies(f.code);
    for (const re of DECLARED) {
      for (const m of f.code.matchAll(re)) {
        if (m[1] && !shapes.some(([from, to]) => m.index > from && m.index < to)) ours.add(m[1]);
      }
    }
  }

  const out: Finding[] = [];
  for (const f of files) {
    // Imports.
    for (const lit of f.literals) {
      if (/^opentelemetry\.js\.api\./.test(lit.text)) {
        const line = lineAt(f.code, lit.at);
        out.push({ file: f.rel, line, kind: 'global', what: lit.text, why: "the API's global slot" });
        continue;
      }
      const before = f.code.slice(Math.max(0, lit.at - 80), lit.at - 1);
      const inImport = REQUIRE_LIKE.test(before) || IMPORT_LIKE.test(before);
      const line = lineAt(f.code, lit.at);
      if (lit.template && lit.text.includes('${')) {
        if (inImport && /^\$\{[^}]*\}\//.test(lit.text)) {
          out.push({
            file: f.rel,
            line,
            kind: 'import',
            what: lit.text,
            why: 'computed package with a subpath',
          });
        }
        continue;
      }
      if (!isBare(lit.text)) continue;
      const { pkg, sub } = packageOf(lit.text);
      if (!inImport && (sub === '' || manifest(pkg) === undefined)) continue;
      const ok = exported(pkg, sub);
      if (ok === true) continue;
      if (ok === 'not installed') {
        out.push({ file: f.rel, line, kind: 'import', what: lit.text, why: `${pkg} is not installed` });
      } else {
        out.push({ file: f.rel, line, kind: 'import', what: lit.text, why: `not in ${pkg}'s exports` });
      }
    }
    // Private members.
    for (const m of f.code.matchAll(ACCESS)) {
      const name = m[2] ?? m[3] ?? m[4];
      if (name === undefined) continue;
      const viaSuper = m[1] === 'super';
      if (!viaSuper && ours.has(name)) continue;
      const line = lineAt(f.code, m.index);
      out.push({
        file: f.rel,
        line,
        kind: 'member',
        what: name,
        why: viaSuper ? `super.${name}: an upstream member` : `${name} is not declared in src/`,
      });
    }
    for (const m of f.code.matchAll(/\.[ \t]*([A-Za-z0-9_$]+)|\[[ \t]*['"]([A-Za-z0-9_$]+)['"][ \t]*\]/g)) {
      const name = (m[1] ?? m[2]) as string;
      if (!privateNames.has(name)) continue;
      out.push({
        file: f.rel,
        line: lineAt(f.code, m.index),
        kind: 'member',
        what: name,
        why: 'private in upstream',
      });
    }
    for (const lit of f.literals) {
      if (!privateNames.has(lit.text)) continue;
      out.push({
        file: f.rel,
        line: lineAt(f.code, lit.at),
        kind: 'member',
        what: lit.text,
        why: 'private in upstream',
      });
    }
    for (const m of f.code.matchAll(OVERRIDE)) {
      const name = m[1] as string;
      out.push({
        file: f.rel,
        line: lineAt(f.code, m.index),
        kind: 'member',
        what: name,
        why: 'overrides upstream',
      });
    }
  }
  return out;
}

const matches = (e: AllowEntry, f: Finding): boolean =>
  e.file === f.file && e.kind === f.kind && e.what === f.what;

describe('src/ uses upstream through public APIs only (issue #23)', () => {
  const found = findings();

  it('every deep import and private member access is in the allow-list', () => {
    const unlisted = found
      .filter((f) => !allowList.entries.some((e) => matches(e, f)))
      .map((f) => `${f.file}:${f.line} ${f.kind} ${f.what} (${f.why})`);
    expect(unlisted).toEqual([]);
  });

  it('every allow-list entry still matches something in src/', () => {
    const stale = allowList.entries
      .filter((e) => !found.some((f) => matches(e, f)))
      .map((e) => `${e.file} ${e.kind} ${e.what}`);
    expect(stale).toEqual([]);
  });

  it('one file holds every reach-in to an upstream member (issue #23)', () => {
    const elsewhere = allowList.entries
      // Node's internals and signal-exit's shared state are not OpenTelemetry's.
      .filter((e) => e.kind === 'member' && !/^(node|signal-exit)@/.test(e.checkedAgainst))
      .filter((e) => e.file !== 'src/instrumentations/upstream-internals.ts')
      .map((e) => `${e.file} ${e.what}`);
    expect(elsewhere).toEqual([]);
  });

  it('every entry has a reason and was checked against the installed upstream version', () => {
    const wrong: string[] = [];
    for (const e of allowList.entries) {
      if (e.reason.trim().length < 10) wrong.push(`${e.file} ${e.what}: no reason`);
      const at = e.checkedAgainst.lastIndexOf('@');
      const pkg = e.checkedAgainst.slice(0, at);
      const version = e.checkedAgainst.slice(at + 1);
      if (pkg === 'node') {
        // Node's own internals: checked on each listed major; the running one must be among them.
        const major = process.versions.node.split('.')[0] as string;
        if (!version.split(',').includes(major))
          wrong.push(`${e.file} ${e.what}: not checked on Node ${major}`);
        continue;
      }
      const installed = at > 0 ? manifest(pkg)?.version : undefined;
      if (installed !== version) {
        wrong.push(
          `${e.file} ${e.what}: checked against ${e.checkedAgainst}, installed ${String(installed)}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });
});
