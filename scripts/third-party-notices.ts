// esbuild plugin for tsup.config.ts: the build bundles other packages' code (the SDK packages,
// the instrumentations and what they use: debug, require-in-the-middle, …), and their licenses
// (Apache-2.0, MIT, BSD) ask that copies carry their notices. After each build this writes
// THIRD-PARTY-NOTICES.txt into the output folder: every package with code in the output, its
// version and license, and the text of its license and notice files.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'esbuild';

export const NOTICES_FILE = 'THIRD-PARTY-NOTICES.txt';

const LICENSE_FILE = /^(licen[cs]e|notice|copying)/i;

/** The package folder an input path is in (the innermost node_modules/<name> or <@scope/name>). */
function packageDir(input: string): string | undefined {
  const parts = input.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at === -1 || at + 1 >= parts.length) return undefined;
  const width = parts[at + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + width).join('/');
}

/** License and notice files of a package, LICENSES/ folders (vendored code) included. */
function licenseTexts(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (sub: string) => {
    for (const name of readdirSync(path.join(dir, sub)).sort()) {
      const rel = path.join(sub, name);
      if (!LICENSE_FILE.test(name) && sub === '') continue;
      const full = path.join(dir, rel);
      if (statSync(full).isDirectory()) walk(rel);
      else out.push({ file: rel.split(path.sep).join('/'), text: readFileSync(full, 'utf8').trim() });
    }
  };
  walk('');
  return out;
}

export function noticesText(inputs: Iterable<string>, root: string): string {
  const dirs = new Set<string>();
  for (const input of inputs) {
    const dir = packageDir(input);
    if (dir !== undefined) dirs.add(dir);
  }
  const seen = new Map<string, string>();
  const sections = [...dirs]
    .map((dir) => {
      const full = path.resolve(root, dir);
      const pkg = JSON.parse(readFileSync(path.join(full, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        license?: string;
      };
      const texts = licenseTexts(full);
      if (texts.length === 0) throw new Error(`${NOTICES_FILE}: ${pkg.name} has no license file in ${full}`);
      return {
        name: pkg.name,
        head: `=== ${pkg.name}@${pkg.version} (${pkg.license ?? 'see below'})`,
        texts,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(({ name, head, texts }) => {
      // The same license text (Apache-2.0 in every @opentelemetry package) is written out once.
      const body = texts.map((t) => {
        const first = seen.get(t.text);
        if (first !== undefined) return `--- ${t.file}: the same text as ${first}'s`;
        seen.set(t.text, name);
        return `--- ${t.file}\n\n${t.text}`;
      });
      return { name, text: [head, ...body].join('\n\n') };
    });
  const intro = 'Third-party code bundled into this folder, with its license and notice files.';
  return `${[intro, ...sections.map((s) => s.text)].join('\n\n')}\n`;
}

export const thirdPartyNotices: Plugin = {
  name: 'acme-third-party-notices',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      const outdir = build.initialOptions.outdir;
      if (result.metafile === undefined || outdir === undefined || result.errors.length > 0) return;
      // tsup writes the build's files after this: on a fresh clone the folder is not there yet.
      mkdirSync(outdir, { recursive: true });
      writeFileSync(
        path.join(outdir, NOTICES_FILE),
        noticesText(Object.keys(result.metafile.inputs), build.initialOptions.absWorkingDir ?? process.cwd()),
      );
    });
  },
};
