/**
 * A lean live client for the fan-out benchmark, run as its own process so that parsing
 * does not share the API's event loop: `node --import tsx bench/sseFanoutClient.ts <url> <clients>`.
 * It opens plain TCP connections to /live, reads only each event's id and fromVersion, and
 * records when each arrived. Over IPC: sends {type:'ready'} once every client has its
 * snapshot, and on {type:'report'} answers with the records and exits.
 */
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

const [url, countArg] = process.argv.slice(2);
const target = new URL(url!);
const clients = Number(countArg);
/** wall-clock ms with sub-ms resolution, comparable across processes on one machine */
const nowMs = () => performance.timeOrigin + performance.now();

let versions = new Int32Array(1 << 20);
let fromVersions = new Int32Array(1 << 20);
let arrivals = new Float64Array(1 << 20);
let records = 0;
let snapshots = 0;
let closed = 0;

function record(version: number, fromVersion: number, at: number) {
  if (records === versions.length) {
    const grow = <T extends Int32Array | Float64Array>(a: T): T => {
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

function open(): Socket {
  const socket = connect(Number(target.port), target.hostname);
  let buffer = '';
  socket.setEncoding('latin1');
  socket.write(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nAccept: text/event-stream\r\n\r\n`);
  socket.on('data', (chunk: string) => {
    const at = nowMs();
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const id = /(?:^|\n)id: (\d+)\nevent: (\w+)/.exec(block);
      if (!id) continue;
      if (id[2] === 'snapshot') {
        snapshots += 1;
        record(Number(id[1]), -1, at);
      } else {
        const from = /"fromVersion":(\d+)/.exec(block);
        record(Number(id[1]), Number(from?.[1] ?? -1), at);
      }
    }
  });
  socket.on('close', () => { closed += 1; });
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
  process.send!({
    type: 'report', closed,
    versions: Array.from(versions.subarray(0, records)),
    fromVersions: Array.from(fromVersions.subarray(0, records)),
    arrivals: Array.from(arrivals.subarray(0, records)),
  }, () => {
    for (const s of sockets) s.destroy();
    process.exit(0);
  });
});
