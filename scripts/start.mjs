// `npm start`: install if needed, build if needed, then run the compiled server (which
// brings up Postgres and Redis itself when DATABASE_URL / REDIS_URL are not set).
// Plain JS: it runs before any install.
import { execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import './ensure-install.mjs';
import { distPath, ensureBuilt } from './built.mjs';

ensureBuilt();
// The web app served at / is built once when missing (`npm run web:build` rebuilds it).
if (!existsSync('web/dist/index.html')) {
  if (existsSync('node_modules/vite')) {
    console.error('> building the web app (npm run web:build)');
    execSync('npm run web:build', { stdio: 'inherit' });
  } else {
    console.error('web/dist is missing and the dev dependencies are not installed: the API runs without the web app.');
  }
}

// No shell in between: signals reach the server, which drains before it exits.
const child = spawn(process.execPath, [distPath('main.js')], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
