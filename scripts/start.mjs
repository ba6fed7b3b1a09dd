// `npm start`: install if needed, build if needed, then run the compiled server (which
// brings up Postgres and Redis itself when DATABASE_URL / REDIS_URL are not set).
// Plain JS: it runs before any install.
import { execSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import './ensure-install.mjs';
import { distPath, ensureBuilt } from './built.mjs';

ensureBuilt();
// The web app served at / is built once when missing (`npm run web:build` rebuilds it).
if (!existsSync(new URL('../web/dist/index.html', import.meta.url))) {
  if (existsSync('node_modules/vite')) {
    console.error('> building the web app (npm run web:build)');
    execSync('npm run web:build', { stdio: 'inherit' });
  } else {
    console.error('web/dist is missing and the dev dependencies are not installed: the API runs without the web app.');
  }
}

// No shell in between: a signal to this process is passed on to the server, which drains,
// stops the Postgres and Redis it started, and exits; this process then exits with its code.
// A signal to the server itself ends it the same way, and this process follows it.
const child = spawn(process.execPath, [distPath('main.js')], { stdio: 'inherit' });
const passOn = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => passOn(signal));
// npm passes SIGINT and SIGTERM on to this process (its script is `exec node ...`: a shell in
// between would swallow them), but not SIGHUP: so npm itself is watched, and when it is gone
// (hung up, killed) this stops as if hung up rather than serve on unsupervised.
// Run without npm (node scripts/start.mjs, nohup), nothing is watched.
const npm = npmAncestor();
if (npm !== undefined) {
  setInterval(() => {
    if (!alive(npm)) passOn('SIGHUP');
  }, 500).unref();
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** The `npm` process that started this one (directly, or through a shell), found in /proc; undefined without one. */
function npmAncestor() {
  let pid = process.ppid;
  for (let depth = 0; depth < 3 && pid > 1; depth++) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (/(^|\/)npm(-cli\.js)?( |$)/.test(command)) return pid;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    } catch {
      return undefined; // no /proc (not Linux)
    }
  }
  return undefined;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}
