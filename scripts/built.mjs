// The compiled entry points (dist/), built first when dist/ is missing or older than the
// sources. A production install (no src/, no dev dependencies) runs dist/ as it is.
// Plain JS: it runs before anything is compiled.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const STAMP = `${root}dist/.built`;
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newest(`${path}/${name}`)), stat.mtimeMs);
}

/** True when the sources are here and changed since the last build (or there is none). */
export function distIsStale() {
  if (!existsSync(`${root}src`)) return false;
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  return INPUTS.some((input) => existsSync(`${root}${input}`) && newest(`${root}${input}`) > built);
}

/** Builds dist/ when it is stale; says so on stderr (stdout may be a command's JSON). */
export function ensureBuilt() {
  if (!distIsStale()) return;
  if (!existsSync(`${root}node_modules/typescript`)) {
    console.error(
      'dist/ is missing or older than src/, and TypeScript is not installed: run `npm ci` then `npm run build`.',
    );
    process.exit(2);
  }
  console.error('> building (npm run build:server)');
  execFileSync(process.execPath, [`${root}scripts/build.mjs`], { stdio: ['ignore', 2, 2] });
}

/** The path of a compiled module, e.g. `distPath('main.js')`. */
export const distPath = (module) => `${root}dist/${module}`;

// `node scripts/built.mjs persist/main.js [args]`: build if needed, then run that module.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2]) {
  ensureBuilt();
  const module = process.argv[2];
  process.argv.splice(1, 2, distPath(module));
  await import(distPath(module));
}
