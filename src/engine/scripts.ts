import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { masterNodes, type RedisClient } from '../infra/redisClient.js';

/** A Lua script as sent to Redis: its includes inlined, its key count from its file name. */
export interface LuaScript {
  name: string;
  numKeys: number;
  source: string;
  sha: string;
}

export const LUA_DIR = new URL('../../lua/', import.meta.url);
const FILE_NAME = /^([a-z][A-Za-z]*)-(\d+)\.lua$/;
const INCLUDE = /^--@include (\w+)\s*$/gm;

function inline(source: string, seen: Set<string>): string {
  return source.replace(INCLUDE, (_line, name: string) => {
    if (seen.has(name)) return '';
    seen.add(name);
    return inline(readFileSync(new URL(`includes/${name}.lua`, LUA_DIR), 'utf8'), seen);
  });
}

export function readScripts(dir: URL = LUA_DIR): Map<string, LuaScript> {
  const scripts = new Map<string, LuaScript>();
  for (const file of readdirSync(dir)) {
    const match = FILE_NAME.exec(file);
    if (!match) continue;
    const [, name, keys] = match as unknown as [string, string, string];
    const source = inline(readFileSync(new URL(file, dir), 'utf8'), new Set());
    const sha = createHash('sha1').update(source).digest('hex');
    scripts.set(name, { name, numKeys: Number(keys), source, sha });
  }
  return scripts;
}

/**
 * Runs scripts by EVALSHA, one round trip each. When Redis has lost its script cache
 * (restart, SCRIPT FLUSH) the script is sent once with EVAL, which caches it again.
 */
export class ScriptRunner {
  constructor(
    private readonly redis: RedisClient,
    private readonly scripts: Map<string, LuaScript> = readScripts(),
  ) {}

  async run(name: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    const script = this.scripts.get(name);
    if (!script) throw new Error(`no Lua script named ${name}`);
    if (keys.length !== script.numKeys) {
      throw new Error(`${name} takes ${script.numKeys} keys, got ${keys.length}`);
    }
    try {
      return await this.redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return this.redis.eval(script.source, keys.length, ...keys, ...args);
    }
  }

  /** Loads every script into the cache of every master up front (start-up, after a reconnect). */
  async preload(): Promise<void> {
    const loads = masterNodes(this.redis).flatMap((node) =>
      [...this.scripts.values()].map((s) => node.script('LOAD', s.source)),
    );
    await Promise.all(loads);
  }
}
