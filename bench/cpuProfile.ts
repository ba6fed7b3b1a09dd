/**
 * Where an API process's CPU went, from a V8 CPU profile (`BENCH_CPU_PROF=<dir> npm run
 * bench -- http` writes one per API process): self time by package or source area, and the
 * heaviest functions. Usage: tsx bench/cpuProfile.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** The package (node_modules/<name>), the source area (src/<dir>), or V8's own categories. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const src = /\/src\/([^/]+)\//.exec(url);
  return src ? `src/${src[1]}` : url.replace(/^.*\//, '');
}

export function summarize(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const totalUs = profile.endTime - profile.startTime;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const { callFrame: f } = byId.get(id)!;
    const area = areaOf(f.url, f.functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const fn = `${f.functionName || '(anonymous)'} ${area}:${f.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  // Inclusive time of our own functions (src/): self time of everything they called, synchronously.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { callFrame: f } = byId.get(at)!;
      const area = areaOf(f.url, f.functionName);
      if (!area.startsWith('src/')) continue;
      const fn = `${f.functionName || '(anonymous)'} ${area}`;
      if (seen.has(fn)) continue;
      seen.add(fn);
      inclusive.set(fn, (inclusive.get(fn) ?? 0) + us);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalUs,
    areas: sorted(areas),
    functions: sorted(functions).slice(0, top),
    inclusive: sorted(inclusive).slice(0, top),
  };
}

if (process.argv[1]?.endsWith('cpuProfile.ts')) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/cpuProfile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  const { totalUs, areas, functions, inclusive } = summarize(
    JSON.parse(readFileSync(file, 'utf8')) as Profile,
    Number(process.argv[3] ?? 25),
  );
  const busyUs = totalUs - (areas.find(([a]) => a === '(idle)')?.[1] ?? 0);
  const pct = (us: number) => `${((us / busyUs) * 100).toFixed(1)}%`;
  console.log(
    `profile ${(totalUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(1)} s (shares below are of busy time)\n`,
  );
  for (const [area, us] of areas.slice(0, 16)) if (area !== '(idle)') console.log(`${pct(us).padStart(6)}  ${area}`);
  console.log('\nheaviest functions (self time):');
  for (const [fn, us] of functions) if (!fn.startsWith('(idle)')) console.log(`${pct(us).padStart(6)}  ${fn}`);
  console.log('\nour functions, with what they call synchronously (inclusive):');
  for (const [fn, us] of inclusive) console.log(`${pct(us).padStart(6)}  ${fn}`);
}
