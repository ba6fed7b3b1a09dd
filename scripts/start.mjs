// `npm start`: install if needed, then run the server (which brings up Postgres and Redis
// itself when DATABASE_URL / REDIS_URL are not set). Plain JS: it runs before any install.
import { spawn } from 'node:child_process';
import './ensure-install.mjs';

const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
