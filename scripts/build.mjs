// `npm run build`: the server, the persister, the relay and ticketctl compiled from src/ to
// dist/ (same layout, so lua/ and web/dist are found from dist/ as from src/), the
// migrations' .sql copied next to the compiled migrate module, then a stamp for staleness.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (path) => `${root}${path}`;

rmSync(at('dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', at('tsconfig.build.json')], { stdio: 'inherit' });
cpSync(at('src/persist/migrations'), at('dist/persist/migrations'), {
  recursive: true,
  filter: (path) => statSync(path).isDirectory() || path.endsWith('.sql'),
});
writeFileSync(at('dist/.built'), `${new Date().toISOString()}\n`);
