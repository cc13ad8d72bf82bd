import { constants, inflateRawSync } from 'node:zlib';
import * as wsModule from 'ws';
import type { WebSocket } from 'ws';

type Callback = (error: Error | null, data?: Buffer) => void;

/** The parts of ws's PerMessageDeflate (ws 8, lib/permessage-deflate.js) this replaces or reads. */
interface WsDeflateExtension {
  _maxPayload: number;
  _options: Record<string, unknown>;
  params: Record<string, unknown>;
  decompress(data: Buffer, fin: boolean, callback: Callback): void;
  /** The compressed fragments of a message not finished yet. */
  [FRAGMENTS]?: Buffer[];
}
type WithExtensions = WebSocket & { _extensions?: Record<string, WsDeflateExtension | undefined> };

const FRAGMENTS = Symbol('nestjs-channels compressed fragments');
/** RFC 7692 7.2.2: the receiver appends the tail the sender stripped. */
const SYNC_FLUSH_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const EMPTY = Buffer.alloc(0);
/** Bounds of the output buffer: a small message needs little, and past 64 KB a few chunks cost nothing. */
const MIN_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 64 * 1024;

// ws marks the errors its receiver closes with by a private symbol; its exported Receiver's own
// factory sets it, so the close codes stay ws's (1009 too large, 1007 bad data).
const { Receiver } = wsModule as unknown as {
  Receiver: { prototype: { createError(ctor: ErrorConstructor, message: string, prefix: boolean, status: number, code: string): Error } };
};
function closingError(status: 1007 | 1009, message: string, code: string): Error {
  return Receiver.prototype.createError.call({}, status === 1009 ? RangeError : Error, message, false, status, code);
}

/**
 * Trims what ws keeps per socket for permessage-deflate to what the server uses: ws's own
 * compressor is never used (see WsTransportConnection.send), its inflater is replaced, and its
 * options and the negotiated parameters are shared by the sockets that have the same ones.
 *
 * Has `ws` inflate what `socket` receives with one synchronous zlib call per message instead of
 * the zlib stream it otherwise keeps per socket. The server negotiates `client_no_context_takeover`,
 * so every message inflates alone, and a stream per socket would only cost memory: about 50 KB
 * while it lives, and freed streams leave the heap fragmented after a connection storm (every
 * browser compresses its join). One call at a time holds one inflate state for the whole process.
 *
 * The inflated size is capped at ws's `maxPayload` (`maxFrameSize`) as it is produced: a deflate
 * bomb stops there and the socket closes with 1009. ws's own receiver still checks the compressed
 * size and counts the message length; this only replaces its `decompress`.
 */
export function leanDeflateExtension(socket: WebSocket): void {
  const extension = (socket as WithExtensions)._extensions?.['permessage-deflate'];
  if (!extension) return;
  extension.decompress = inflateMessage;
  extension._options = shared(extension._options);
  extension.params = shared(extension.params);
}

/**
 * ws copies its options into every socket's extension (an object spread, with a hidden class of
 * its own in V8) and parses each offer into null-prototype objects: together about 500 bytes a
 * socket, the same for nearly every socket. After the negotiation ws only reads them to set up
 * the zlib streams this replaces, so one frozen copy per distinct content serves them all.
 */
const SHARED = new Map<string, Readonly<Record<string, unknown>>>();
const MAX_SHARED = 64;

function shared(record: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(record);
  // Nested objects (zlib options) would all read "[object Object]": left as they are.
  if (entries.some(([, value]) => typeof value === 'object' && value !== null)) return record;
  const key = entries.join(';');
  let copy = SHARED.get(key);
  if (!copy) {
    copy = Object.freeze({ ...record });
    if (SHARED.size < MAX_SHARED) SHARED.set(key, copy);
  }
  return copy;
}

function inflateMessage(this: WsDeflateExtension, data: Buffer, fin: boolean, callback: Callback): void {
  // ws's receiver expects the answer later, as from its zlib stream: called back within this
  // call, it would go on reading from inside its own loop and finish the write twice.
  if (!fin) {
    (this[FRAGMENTS] ??= []).push(data);
    process.nextTick(callback, null, EMPTY);
    return;
  }
  const fragments = this[FRAGMENTS];
  this[FRAGMENTS] = undefined;
  const input = Buffer.concat(fragments ? [...fragments, data, SYNC_FLUSH_TAIL] : [data, SYNC_FLUSH_TAIL]);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(input, {
      finishFlush: constants.Z_SYNC_FLUSH,
      chunkSize: chunkSizeFor(input.length),
      ...(this._maxPayload > 0 ? { maxOutputLength: this._maxPayload } : {}),
    });
  } catch (error) {
    const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    process.nextTick(
      callback,
      tooLarge
        ? closingError(1009, 'Max payload size exceeded', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
        : closingError(1007, `Invalid compressed data: ${(error as Error).message}`, 'WS_ERR_INVALID_COMPRESSED_DATA'),
    );
    return;
  }
  process.nextTick(callback, null, inflated);
}

/**
 * An output buffer about the size the message will inflate to (JSON shrinks 3-10x): a fixed
 * 16 KB one per message, a garbage Buffer outside V8's heap, grew RSS by KBs per connection in a
 * storm of small compressed joins; small buffers come from Node's shared pool.
 */
function chunkSizeFor(compressedBytes: number): number {
  return Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, 2 ** Math.ceil(Math.log2(compressedBytes * 8))));
}
