/**
 * Fault injection for crash tests: when the environment variable names this point, the
 * process kills itself there (SIGKILL: no cleanup, as in a real crash). Never set in
 * production; read at the point, so a test sets it for the one process it spawns.
 */
export function failpoint(variable: 'PERSISTER_FAILPOINT' | 'CHECKOUT_FAILPOINT', name: string): void {
  if (process.env[variable] === name) process.kill(process.pid, 'SIGKILL');
}
