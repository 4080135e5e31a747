/**
 * Whether this Node can run import-in-the-middle's loader in-thread, through
 * `module.registerHooks()`, instead of on the loader thread `module.register()` starts.
 *
 * `registerHooks` exists since 22.15 / 24.0, but until nodejs/node#59929 (22.22.3, 24.11.1, 25.1.0,
 * 26.0.0) its synchronous load hook rejected the nullish CommonJS source the loader returns for a
 * `require()` pulled into the ESM graph; import-in-the-middle's `supportsSyncHooks()` draws the same
 * line. Ours takes the version as an argument so the table can be tested on any Node.
 */
export function supportsSyncLoaderHooks(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  if (major >= 26) return true;
  if (major === 25) return minor >= 1;
  if (major === 24) return minor > 11 || (minor === 11 && patch >= 1);
  if (major === 22) return minor > 22 || (minor === 22 && patch >= 3);
  return false;
}
