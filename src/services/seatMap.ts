import { crc32, deflateRawSync } from 'node:zlib';
import type { Snapshot } from '../engine/operations/snapshotEvent.js';
import type { EventLayout } from './catalog.js';
import { crc32Combine } from './crc32Combine.js';

/**
 * Each seat's status value with its closing quote and brace, padded with JSON whitespace to
 * one width ('available' is the longest): a seat's status then sits at a fixed offset of a
 * fixed-size body, so a body is a copy of the layout's bytes with 11 bytes written per seat.
 */
const STATUS_BYTES: Record<string, Buffer> = {
  '0': Buffer.from('available"}'),
  '1': Buffer.from('held"     }'),
  '2': Buffer.from('sold"     }'),
};
const STATUS_WIDTH = 11;
/** seats per independently compressed piece of the gzip body */
const SEATS_PER_PIECE = 128;
const GZIP_LEVEL = 6;
/** gzip member header: deflate, no flags, no mtime, unknown OS */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0xff]);
/** an empty final deflate block (fixed Huffman): ends the stream of pieces */
const FINAL_BLOCK = Buffer.from([0x03, 0x00]);

/** A raw deflate of `bytes` that ends on a byte boundary and is not final, so pieces concatenate. */
const deflatePiece = (bytes: Uint8Array) =>
  deflateRawSync(bytes, { level: GZIP_LEVEL, finishFlush: 2 /* Z_SYNC_FLUSH */ });

interface Piece {
  /** the states of its seats when it was compressed */
  states: string;
  deflated: Buffer;
  crc: number;
  length: number;
}

/** The seat map of one section filter ('' for all) as a template, and its last body. */
interface View {
  /** layout indices of its seats, in order */
  indices: number[];
  /** '[' + every seat's JSON with its status left blank + ']}' */
  template: Buffer;
  /** where each seat's status bytes go in the template */
  statusAt: Int32Array;
  /** piece k is template bytes [pieceEnds[k-1] ?? 0, pieceEnds[k]); it depends only on its seats' states */
  pieceEnds: number[];
  pieces: (Piece | undefined)[];
  last: Body | undefined;
}

interface Body {
  /** version and live holds: what makes two snapshots render alike */
  state: string;
  raw: Uint8Array<ArrayBuffer>;
  /** where the template's bytes start in raw (after the document's head) */
  headLength: number;
  states: string;
  gzipped?: Uint8Array<ArrayBuffer>;
}

export interface SeatMapBody {
  body: Uint8Array<ArrayBuffer>;
  gzip: boolean;
}

const STATUS_OFFSET_MARK = '"status":"';

function buildView(layout: EventLayout, section: string | undefined): View {
  const indices: number[] = [];
  for (let i = 0; i < layout.seats.length; i++)
    if (section === undefined || layout.seats[i]!.section === section) indices.push(i);
  const parts: Buffer[] = [Buffer.from('[')];
  const statusAt = new Int32Array(indices.length);
  const pieceEnds: number[] = [];
  let offset = 1;
  indices.forEach((index, n) => {
    const { id, section: name, row, number, priceCents } = layout.seats[index]!;
    // the seat's JSON up to its status value: {"id":..,"section":..,"row":..,"number":..,"priceCents":..,"status":"
    const json = JSON.stringify({ id, section: name, row, number, priceCents, status: '' });
    const head = Buffer.from(`${n === 0 ? '' : ','}${json.slice(0, -2)}`);
    if (!head.toString().endsWith(STATUS_OFFSET_MARK)) throw new Error('seat map: unexpected seat JSON');
    parts.push(head, Buffer.alloc(STATUS_WIDTH, 0x20));
    statusAt[n] = offset + head.length;
    offset += head.length + STATUS_WIDTH;
    if ((n + 1) % SEATS_PER_PIECE === 0) pieceEnds.push(offset);
  });
  parts.push(Buffer.from(']}'));
  offset += 2;
  if (pieceEnds.at(-1) !== offset) {
    if (pieceEnds.at(-1) === offset - 2) pieceEnds[pieceEnds.length - 1] = offset;
    else pieceEnds.push(offset);
  }
  return {
    indices,
    template: Buffer.concat(parts),
    statusAt,
    pieceEnds,
    pieces: pieceEnds.map(() => undefined),
    last: undefined,
  };
}

/**
 * Renders seat maps as JSON with as little work per state as the format allows: the layout
 * is laid out once per layout as a byte template with a fixed-width slot per seat's status,
 * so a new state costs one copy of the template and the status bytes; the gzip body is
 * assembled from pieces of 128 seats compressed independently and kept until one of their
 * seats changes. A request whose state was rendered already writes bytes already made.
 */
export class SeatMapRenderer {
  private readonly views = new WeakMap<EventLayout, Map<string, View>>();

  /** The state a snapshot renders as: bodies are reused while it is unchanged. */
  static stateOf(snap: { version: number; heldNow: number }): string {
    return `${snap.version}:${snap.heldNow}`;
  }

  /** The body of a state rendered already, if `state` is still the current one. */
  cached(
    layout: EventLayout,
    section: string | undefined,
    state: string,
    acceptsGzip: boolean,
  ): SeatMapBody | undefined {
    const last = this.views.get(layout)?.get(section ?? '')?.last;
    if (last?.state !== state) return undefined;
    return this.encode(this.views.get(layout)!.get(section ?? '')!, last, acceptsGzip);
  }

  render(
    eventId: string,
    layout: EventLayout,
    snap: Snapshot,
    section: string | undefined,
    acceptsGzip = false,
  ): SeatMapBody {
    const view = this.view(layout, section);
    const state = SeatMapRenderer.stateOf({ version: snap.version, heldNow: snap.counts.held });
    if (view.last?.state !== state) view.last = this.fill(view, eventId, snap, state);
    return this.encode(view, view.last, acceptsGzip);
  }

  private view(layout: EventLayout, section: string | undefined): View {
    let views = this.views.get(layout);
    if (!views) this.views.set(layout, (views = new Map()));
    let view = views.get(section ?? '');
    if (!view) {
      view = buildView(layout, section);
      // Only sections of the layout are kept: a filter naming none cannot grow the cache.
      if (view.indices.length > 0 || section === undefined) views.set(section ?? '', view);
    }
    return view;
  }

  private fill(view: View, eventId: string, snap: Snapshot, state: string): Body {
    const head = Buffer.from(
      `{"eventId":${JSON.stringify(eventId)},"version":${snap.version},"counts":${JSON.stringify(snap.counts)},"seats":`,
    );
    const raw = Buffer.allocUnsafe(head.length + view.template.length);
    head.copy(raw, 0);
    view.template.copy(raw, head.length);
    let states = '';
    for (let n = 0; n < view.indices.length; n++) {
      const char = snap.states[view.indices[n]!]!;
      states += char;
      (STATUS_BYTES[char] ?? STATUS_BYTES['0']!).copy(raw, head.length + view.statusAt[n]!);
    }
    return { state, raw: raw as Uint8Array<ArrayBuffer>, headLength: head.length, states };
  }

  private encode(view: View, body: Body, acceptsGzip: boolean): SeatMapBody {
    if (!acceptsGzip) return { body: body.raw, gzip: false };
    body.gzipped ??= this.gzip(view, body);
    return { body: body.gzipped, gzip: true };
  }

  /** The gzip member of a body: its head compressed now, each piece of seats compressed once per state of its seats. */
  private gzip(view: View, body: Body): Uint8Array<ArrayBuffer> {
    const head = body.raw.subarray(0, body.headLength);
    const parts: Buffer[] = [GZIP_HEADER, deflatePiece(head)];
    let crc = crc32(head);
    let start = 0;
    for (let k = 0; k < view.pieceEnds.length; k++) {
      const end = view.pieceEnds[k]!;
      const states = body.states.slice(k * SEATS_PER_PIECE, (k + 1) * SEATS_PER_PIECE);
      let piece = view.pieces[k];
      if (piece?.states !== states) {
        const bytes = body.raw.subarray(body.headLength + start, body.headLength + end);
        piece = { states, deflated: deflatePiece(bytes), crc: crc32(bytes), length: bytes.length };
        view.pieces[k] = piece;
      }
      parts.push(piece.deflated);
      crc = crc32Combine(crc, piece.crc, piece.length);
      start = end;
    }
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc >>> 0, 0);
    trailer.writeUInt32LE(body.raw.length % 2 ** 32, 4);
    parts.push(FINAL_BLOCK, trailer);
    return Buffer.concat(parts) as Uint8Array<ArrayBuffer>;
  }
}
