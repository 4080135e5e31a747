// semver ships no types; the one function version-range.test.ts checks against.
declare module 'semver/functions/satisfies.js' {
  export default function satisfies(
    version: string,
    range: string,
    options?: { includePrerelease?: boolean },
  ): boolean;
}
