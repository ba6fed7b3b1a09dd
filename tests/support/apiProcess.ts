import { spawn, type ChildProcess } from 'node:child_process';

export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** what it wrote (stdout and stderr) up to and including the line that says where it listens */
  startOutput: string;
  /** resolves when the process has exited */
  exited: Promise<NodeJS.Signals | number | null>;
}

/** tsx by its path, so a child started in another directory (its own .data/) finds it. */
export const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
/** `npm start`'s server entry point, by its path. */
export const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;

/** Runs `npm start`'s server entry point as a child process and waits for its URL. */
export const spawnApi = (env: Record<string, string>, options: { cwd?: string } = {}) =>
  spawnServer([MAIN], env, [], options);

/**
 * Runs a TypeScript server entry point as a child process; resolves once it prints
 * "listening on <url>" (a plain line, or the message of a JSON log line).
 */
export function spawnServer(
  args: string[],
  env: Record<string, string>,
  nodeArgs: string[] = [],
  options: { cwd?: string } = {},
): Promise<ApiProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', TSX, ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
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
      const url = /listening on (http:\/\/[^\s"]+)/.exec(output)?.[1];
      if (url) {
        started = true;
        clearTimeout(timer);
        resolve({ url, child, startOutput: output, exited });
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
