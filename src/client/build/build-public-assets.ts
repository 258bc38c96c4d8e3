/**
 * Builds the files the app serves from disk (`npm run build:client`):
 *   <out>/client/ticketgate-client.js (+ .map)  the client as one browser ES module, socket.io-client included
 *   <out>/demo/index.html, demo.css, demo.js    the demo page, copied from src/demo/static
 * `<out>` is `public/` (git-ignored) unless `--out-dir DIR` says otherwise; `npm run build` writes
 * `dist/public/`, so that `dist/` alone runs the service. Each file is written to a temporary
 * name and renamed, so a server or a concurrent build never reads half a file.
 */
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLIENT_ENTRY = join(ROOT, 'src', 'client', 'index.ts');
const DEMO_STATIC = join(ROOT, 'src', 'demo', 'static');
/** Where the app looks for the bundle, relative to the assets directory. */
export const CLIENT_BUNDLE_PATH = join('client', 'ticketgate-client.js');

async function writeAtomically(path: string, contents: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, contents);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

async function copyAtomically(from: string, to: string): Promise<void> {
  await writeAtomically(to, await readFile(from));
}

/** Bundles the client and copies the demo files into `outDir`; resolves to the files written. */
export async function buildPublicAssets(outDir: string = join(ROOT, 'public')): Promise<string[]> {
  const outfile = join(outDir, CLIENT_BUNDLE_PATH);
  const result = await build({
    entryPoints: [CLIENT_ENTRY],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    sourcemap: 'linked',
    write: false,
    logLevel: 'warning',
  });
  const written: string[] = [];
  for (const file of result.outputFiles) {
    await writeAtomically(file.path, file.contents);
    written.push(file.path);
  }
  for (const name of await readdir(DEMO_STATIC)) {
    const target = join(outDir, 'demo', name);
    await copyAtomically(join(DEMO_STATIC, name), target);
    written.push(target);
  }
  return written;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { 'out-dir': { type: 'string' } } });
  const outDir = values['out-dir'] === undefined ? undefined : resolve(values['out-dir']);
  buildPublicAssets(outDir).then(
    (files) => process.stdout.write(`${files.map((file) => `wrote ${file}`).join('\n')}\n`),
    (error: unknown) => {
      process.stderr.write(`build:client failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
