/**
 * One worker of the fan-out benchmark's live clients, run as its own process so that reading
 * does not share the API's event loop: `node --import tsx bench/sseFanoutClient.ts <url> <clients>`.
 * It opens plain TCP connections to /live and, for each event, reads only its id and
 * fromVersion from the bytes as they came (no decoding, no string per event), recording
 * when each arrived. Over IPC: sends {type:'ready'} once every client has its snapshot,
 * and on {type:'report'} answers with the records and exits.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const [url, countArg] = process.argv.slice(2);
const target = new URL(url!);
const clients = Number(countArg);
/** wall-clock ms with sub-ms resolution, comparable across processes on one machine */
const nowMs = () => performance.timeOrigin + performance.now();

// Versions are exact integers far above 2^31 (src/engine/versions.ts): Float64Array holds them.
let versions = new Float64Array(1 << 18);
let fromVersions = new Float64Array(1 << 18);
let arrivals = new Float64Array(1 << 18);
let records = 0;
let snapshots = 0;
let closed = 0;

function record(version: number, fromVersion: number, at: number) {
  if (records === versions.length) {
    const grow = <T extends Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(a.length * 2);
      b.set(a);
      return b;
    };
    versions = grow(versions);
    fromVersions = grow(fromVersions);
    arrivals = grow(arrivals);
  }
  versions[records] = version;
  fromVersions[records] = fromVersion;
  arrivals[records] = at;
  records += 1;
}

const END = Buffer.from('\n\n');
const ID = Buffer.from('id: ');
const SNAPSHOT = Buffer.from('\nevent: snapshot');
const FROM = Buffer.from('"fromVersion":');

/** The decimal number at `at` in `buf` (digits only), or -1. */
function numberAt(buf: Buffer, at: number): number {
  let n = 0;
  let digits = 0;
  for (let i = at; i < buf.length; i++, digits++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return digits === 0 ? -1 : n;
}

/** One event's block [start, end): "id: <v>\nevent: <kind>\ndata: {...}" after any chunk framing. */
function onEvent(buf: Buffer, start: number, end: number, at: number) {
  const id = buf.indexOf(ID, start);
  if (id < 0 || id >= end || id - start > 16) return; // retry:, pings, the response head
  const version = numberAt(buf, id + ID.length);
  const digitsEnd = id + ID.length + String(version).length;
  if (buf.compare(SNAPSHOT, 0, SNAPSHOT.length, digitsEnd, digitsEnd + SNAPSHOT.length) === 0) {
    snapshots += 1;
    record(version, -1, at);
    return;
  }
  const from = buf.indexOf(FROM, digitsEnd);
  record(version, from >= 0 && from < end ? numberAt(buf, from + FROM.length) : -1, at);
}

function open(): Socket {
  const socket = connect(Number(target.port), target.hostname);
  let carry: Buffer | undefined;
  socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`);
  socket.on('data', (chunk: Buffer) => {
    const at = nowMs();
    const buf = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    let end: number;
    while ((end = buf.indexOf(END, start)) >= 0) {
      onEvent(buf, start, end, at);
      start = end + 2;
    }
    carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
  });
  socket.on('close', () => {
    closed += 1;
  });
  socket.on('error', () => {});
  return socket;
}

const sockets: Socket[] = [];
for (let i = 0; i < clients; i++) {
  sockets.push(open());
  if (i % 250 === 249) await new Promise((r) => setTimeout(r, 20)); // no SYN flood on the accept queue
}
const ready = setInterval(() => {
  if (snapshots >= clients) {
    clearInterval(ready);
    process.send!({ type: 'ready', clients, closed });
  }
}, 20);

process.on('message', (message: { type: string }) => {
  if (message.type !== 'report') return;
  process.send!(
    {
      type: 'report',
      closed,
      versions: Array.from(versions.subarray(0, records)),
      fromVersions: Array.from(fromVersions.subarray(0, records)),
      arrivals: Array.from(arrivals.subarray(0, records)),
    },
    () => {
      for (const s of sockets) s.destroy();
      process.exit(0);
    },
  );
});
