import { formatPosition, parsePosition, type Position } from '../../history/position.js';
import { isBinaryPayload, toBuffer } from '../../protocol/messages.js';
import type { BroadcastMessage } from '../broadcast-message.js';
import type { TopicNumbering } from './sequence-table.js';

/**
 * What travels on a Redis channel (the channel names the topic): `v` version, `n` the sending
 * node, `s` and `q` the stream and sequence number of this broadcast among the sender's on this
 * topic, `e` event, `p` payload, `f` the `broadcastFrom` sender, `b: 1` when `p` is base64 bytes.
 * `h` is a history broadcast's position, `"<epoch>:<offset>"`: Redis puts it in front of the
 * envelope the node sent when its script numbers the broadcast (history-scripts.ts), and the
 * stream keeps the envelope without it (the entry id is the offset). A history envelope has no
 * `s`/`q`: its offset says more.
 *
 * Every field after the first version is optional and older nodes ignore those they do not know,
 * so `v` stays 1 and nodes of both kinds mix during a rolling upgrade: an envelope without `s`/`q`
 * is delivered, just not gap-checked, and an older node delivers a history broadcast as a plain
 * one. A change that older nodes could not read that way would need another `v` (they count it
 * `invalid`).
 */
interface Envelope {
  h?: string;
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
  /** The sender's numbering on this topic; both absent when an older node sent it, or on a history broadcast. */
  stream?: number;
  seq?: number;
  /** A history broadcast's place in its topic's history. */
  position?: Position;
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
  const { h, v, n, s, q, e, p, f, b } = value as Partial<Record<keyof Envelope, unknown>>;
  if (v !== 1 || typeof n !== 'string' || n.length === 0 || typeof e !== 'string') return null;
  const position = h === undefined ? undefined : parsePosition(h);
  if (position === null) return null;
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
  if (position !== undefined) received.position = position;
  return received;
}

/** What Redis publishes for a history broadcast: `envelope` (as encoded here) with its position in front. */
export function positionedEnvelope(envelope: string, position: Position): string {
  return `{"h":"${formatPosition(position)}",${envelope.slice(1)}`;
}

function isCount(value: unknown, min: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min;
}
