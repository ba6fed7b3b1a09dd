// `npm start`: install if needed, then run the server (which brings up Postgres and Redis
// itself when DATABASE_URL / REDIS_URL are not set). Plain JS: it runs before any install.
import { execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import './ensure-install.mjs';

// The web app served at / is built once when missing (`npm run web:build` rebuilds it).
if (!existsSync('web/dist/index.html')) {
  console.error('> building the web app (npm run web:build)');
  execSync('npm run web:build', { stdio: 'inherit' });
}

const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
