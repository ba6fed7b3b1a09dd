import { spawn, type ChildProcess } from 'node:child_process';

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** resolves when the process has exited */
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Runs `npm start`'s server entry point as a child process and waits for its URL. */
export const spawnApi = (env: Record<string, string>) => spawnServer(['src/main.ts'], env);

/** Runs a TypeScript server entry point as a child process; resolves once it prints "listening on <url>". */
export function spawnServer(args: string[], env: Record<string, string>, nodeArgs: string[] = []): Promise<ApiProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args[0]} did not start:\n${output}`));
    }, 30_000);
    let started = false;
    // Keeps draining the pipes after start (a full pipe would block the child), without keeping the output.
    const onData = (chunk: Buffer) => {
      if (started) return;
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) {
        started = true;
        clearTimeout(timer);
        resolve({ url, child, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited (${String(how)}) before listening:\n${output}`));
    });
  });
}
