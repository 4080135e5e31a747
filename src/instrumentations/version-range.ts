/**
 * Whether `version` is within `range`, as npm's semver `satisfies` decides, for the range syntax
 * instrumentations use in `supportedVersions`: `*`, comparators (`>=`, `>`, `<=`, `<`, `=` or none,
 * a space allowed after the operator) with full or partial versions (`>=4.0.0 <6`, `>= 6.7 < 8`),
 * caret (`^1.0.0`) and tilde (`~3.1.0`) ranges, all space-separated and all required. `undefined`
 * when it cannot tell (another syntax, a version that is not semver): the caller then says nothing.
 * semver itself costs 13–34 ms to load (its regexes), on the event loop: too much for one check.
 * Linear time: a fixed number of passes with anchored patterns without nested quantifiers.
 */
export function versionInRange(
  version: string,
  range: string,
  includePrerelease = false,
): boolean | undefined {
  const v = parseVersion(version);
  if (v === undefined) return undefined;
  const trimmed = range.trim();
  if (trimmed === '*' || trimmed === '') return v.pre === undefined || includePrerelease;
  // Ranges joined with || are separate entries of supportedVersions in every instrumentation.
  if (trimmed.length > 256) return undefined;
  // "op version" pairs: join an operator to the version after it (`>= 6.7` → `>=6.7`).
  const parts = trimmed.replace(/([<>=~^]+)\s+/g, '$1').split(/\s+/);
  const bounds: Bound[] = [];
  for (const part of parts) {
    const parsed = parseComparator(part);
    if (parsed === undefined) return undefined;
    bounds.push(...parsed);
  }
  // Without includePrerelease, a prerelease matches only a comparator on its own [major, minor,
  // patch] that has a prerelease too, and these ranges have none. With it, prereleases are ordered
  // against releases, which the tuples below do not do.
  if (v.pre !== undefined) return includePrerelease ? undefined : false;
  return bounds.every((b) => holds(compare(v, b.version), b.op));
}

interface Version {
  readonly parts: readonly [number, number, number];
  readonly pre: string | undefined;
}

interface Bound {
  readonly op: '>=' | '>' | '<' | '<=' | '=';
  readonly version: Version;
}

const VERSION =
  /^v?(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,15})(?:-([0-9A-Za-z.-]{1,64}))?(?:\+[0-9A-Za-z.-]{1,64})?$/;
const COMPARATOR = /^(>=|<=|>|<|=|\^|~)?v?(0|[1-9]\d{0,15})(?:\.(0|[1-9]\d{0,15}))?(?:\.(0|[1-9]\d{0,15}))?$/;

function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { parts: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] };
}

const at = (major: number, minor: number, patch: number): Version => ({
  parts: [major, minor, patch],
  pre: undefined,
});

/** One comparator as the bounds semver desugars it to (partial versions filled in). */
function parseComparator(text: string): Bound[] | undefined {
  const m = COMPARATOR.exec(text);
  if (!m) return undefined;
  const op = m[1] ?? '=';
  const major = Number(m[2]);
  const minor = m[3] === undefined ? undefined : Number(m[3]);
  const patch = m[4] === undefined ? undefined : Number(m[4]);
  const low = at(major, minor ?? 0, patch ?? 0);
  // The first version past a partial one: `1` → 2.0.0, `1.2` → 1.3.0.
  const next = minor === undefined ? at(major + 1, 0, 0) : at(major, minor + 1, 0);
  switch (op) {
    case '>=':
      return [{ op: '>=', version: low }];
    case '<':
      return [{ op: '<', version: low }];
    case '>':
      return patch === undefined ? [{ op: '>=', version: next }] : [{ op: '>', version: low }];
    case '<=':
      return patch === undefined ? [{ op: '<', version: next }] : [{ op: '<=', version: low }];
    case '=':
      return patch === undefined
        ? [
            { op: '>=', version: low },
            { op: '<', version: next },
          ]
        : [{ op: '=', version: low }];
    case '~': // ~1 → <2.0.0; ~1.2 and ~1.2.3 → <1.3.0
      return [
        { op: '>=', version: low },
        { op: '<', version: next },
      ];
    case '^': {
      const upper =
        major > 0 || minor === undefined
          ? at(major + 1, 0, 0)
          : minor > 0 || patch === undefined
            ? at(0, minor + 1, 0)
            : at(0, 0, patch + 1);
      return [
        { op: '>=', version: low },
        { op: '<', version: upper },
      ];
    }
    default:
      return undefined;
  }
}

/** Release tuples only: prereleases are decided before (a bound here never has one). */
function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) {
    const d = a.parts[i]! - b.parts[i]!;
    if (d !== 0) return d;
  }
  return 0;
}

function holds(c: number, op: Bound['op']): boolean {
  switch (op) {
    case '>=':
      return c >= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '=':
      return c === 0;
  }
}
