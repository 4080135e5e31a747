import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface PackageInfo {
  name?: string;
  version?: string;
}

/**
 * The name and version from the package.json nearest to the application's entry script
 * (`process.argv[1]`), or to the working directory when that script is a launcher in node_modules. Used for `service.name`/`service.version`
 * when neither code nor env gives them. Read once, at init.
 */
export function findPackageInfo(startDir: string = entryDir()): PackageInfo | undefined {
  let dir = resolve(startDir);
  for (let depth = 0; depth < 32; depth++) {
    const info = readPackage(join(dir, 'package.json'));
    if (info !== undefined) return info;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function entryDir(): string {
  const entry = process.argv[1];
  // A launcher inside node_modules (a test runner, a process manager) is not the application.
  if (entry && !/[\\/]node_modules[\\/]/.test(entry)) return dirname(resolve(entry));
  return process.cwd();
}

function readPackage(file: string): PackageInfo | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const pkg = JSON.parse(text) as { name?: unknown; version?: unknown };
    const info: PackageInfo = {};
    if (typeof pkg.name === 'string' && pkg.name !== '') info.name = pkg.name;
    if (typeof pkg.version === 'string' && pkg.version !== '') info.version = pkg.version;
    return info;
  } catch {
    return undefined; // a broken package.json is not ours to report
  }
}
