import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiFixture } from '../support/api.js';

let api: ApiFixture;
/** metric family name → type, from the `# TYPE` lines of a real /metrics scrape */
let exposed: Map<string, string>;

beforeAll(async () => {
  api = await startApi();
  const text = await (await api.call('GET', '/metrics')).text();
  exposed = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
});
afterAll(() => api.close());

/** The metric names an expression file refers to, without histogram series suffixes. */
async function referencedMetrics(path: string): Promise<string[]> {
  const text = await readFile(new URL(`../../${path}`, import.meta.url), 'utf8');
  const names = [...text.matchAll(/\b((?:ticketing|nodejs|process)_[a-z0-9_]+)/g)].map((m) =>
    m[1]!.replace(/_(bucket|sum|count)$/, ''),
  );
  return [...new Set(names)].sort();
}

describe('metric names', () => {
  it('follow Prometheus conventions: the ticketing_ prefix, _total only on counters', () => {
    const ours = [...exposed].filter(([name]) => !/^(process|nodejs)_/.test(name));
    expect(ours.length).toBeGreaterThan(20);
    for (const [name, type] of ours) {
      expect(name, name).toMatch(/^ticketing_[a-z0-9_]+$/);
      if (type === 'counter') expect(name, name).toMatch(/_total$/);
      else expect(name, `${name} is a ${type}`).not.toMatch(/_total$/);
    }
  });

  it.each(['ops/prometheus/alerts.yml', 'ops/grafana/ticketing.json'])(
    '%s uses only metrics the API exposes',
    async (path) => {
      const names = await referencedMetrics(path);
      expect(names.length).toBeGreaterThan(10);
      expect(names.filter((name) => !exposed.has(name))).toEqual([]);
    },
  );
});
