import { isBinaryPayload, toBuffer } from '../../protocol/messages.js';
import type { BroadcastMessage } from '../broadcast-message.js';
import type { TopicNumbering } from './sequence-table.js';

/**
 * What travels on a Redis channel (the channel names the topic): `v` version, `n` the sending
 * node, `s` and `q` the stream and sequence number of this broadcast among the sender's on this
 * topic, `e` event, `p` payload, `f` the `broadcastFrom` sender, `b: 1` when `p` is base64 bytes.
 * `s`/`q` came later: an envelope without them (an older node) is delivered, just not gap-checked.
 */
interface Envelope {
  v: 1;
  n: string;
  s?: number;
  q?: number;
  e: string;
  p?: unknown;
  f?: string;
  b?: 1;
}

/** A broadcast decoded from another node, with the node that sent it. */
export interface ReceivedBroadcast {
  nodeId: string;
  event: string;
  payload: unknown;
  from?: string;
  /** The sender's numbering on this topic; both absent when an older node sent it. */
  stream?: number;
  seq?: number;
}

/** JSON envelope of `message`; byte payloads travel as base64 so that they stay bytes. */
export function encodeEnvelope(nodeId: string, message: BroadcastMessage, numbering?: TopicNumbering): string {
  const envelope: Envelope =
    numbering === undefined ? { v: 1, n: nodeId, e: message.event } : { v: 1, n: nodeId, s: numbering.stream, q: numbering.seq, e: message.event };
  if (isBinaryPayload(message.payload)) {
    envelope.p = toBuffer(message.payload).toString('base64');
    envelope.b = 1;
  } else {
    envelope.p = message.payload;
  }
  if (message.from !== undefined) envelope.f = message.from;
  return JSON.stringify(envelope);
}

/** The broadcast in `raw`, or null when `raw` is not an envelope of this version. */
export function decodeEnvelope(raw: string): ReceivedBroadcast | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { v, n, s, q, e, p, f, b } = value as Partial<Record<keyof Envelope, unknown>>;
  if (v !== 1 || typeof n !== 'string' || n.length === 0 || typeof e !== 'string') return null;
  if (f !== undefined && typeof f !== 'string') return null;
  if (b !== undefined && (b !== 1 || typeof p !== 'string')) return null;
  const sequenced = s !== undefined || q !== undefined;
  if (sequenced && !(isCount(s, 0) && isCount(q, 1))) return null;
  const received: ReceivedBroadcast = { nodeId: n, event: e, payload: b === 1 ? Buffer.from(p as string, 'base64') : p };
  if (f !== undefined) received.from = f;
  if (sequenced) {
    received.stream = s as number;
    received.seq = q as number;
  }
  return received;
}

function isCount(value: unknown, min: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min;
}
