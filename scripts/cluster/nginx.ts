/** nginx in front of the API processes: Debian's package, installed when missing, run from its own prefix dir. */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from './processes.js';

const NGINX = '/usr/sbin/nginx';

/** Installs Debian's nginx when it is missing (as root, with apt-get); its service is not started. */
export function ensureNginx(): void {
  if (existsSync(NGINX)) return;
  if (process.getuid?.() !== 0) throw new Error('nginx is missing: install it (apt-get install nginx) and run again');
  execFileSync('apt-get', ['install', '-y', '-qq', 'nginx'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/**
 * The proxy's configuration: least-connections over the API processes, keep-alive to them,
 * the client's address passed on, and no buffering so `/live` streams flow through.
 */
export function nginxConfig(dir: string, listenPort: number, apiPorts: number[]): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, 'temp', name)};`;
  return `worker_processes 2;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
daemon off;
events { worker_connections 8192; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  upstream api {
    least_conn;
${apiPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${listenPort};
    client_max_body_size 64k;
    location / {
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
`;
}

export interface Nginx {
  url: string;
  child: ChildProcess;
}

export async function startNginx(dir: string, listenPort: number, apiPorts: number[]): Promise<Nginx> {
  ensureNginx();
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, listenPort, apiPorts));
  const child = spawn(NGINX, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${listenPort}`;
  await pollUntil(
    async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}); see ${join(dir, 'error.log')}`);
      return fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    30_000,
    'nginx answers',
  );
  return { url, child };
}
