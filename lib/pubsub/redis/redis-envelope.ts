import { isBinaryPayload, toBuffer } from '../../protocol/messages.js';
import type { BroadcastMessage } from '../broadcast-message.js';

/**
 * What travels on a Redis channel (the channel names the topic): `v` version, `n` the sending
 * node, `e` event, `p` payload, `f` the `broadcastFrom` sender, `b: 1` when `p` is base64 bytes.
 */
interface Envelope {
  v: 1;
  n: string;
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
}

/** JSON envelope of `message`; byte payloads travel as base64 so that they stay bytes. */
export function encodeEnvelope(nodeId: string, message: BroadcastMessage): string {
  const envelope: Envelope = { v: 1, n: nodeId, e: message.event };
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
  const { v, n, e, p, f, b } = value as Partial<Record<keyof Envelope, unknown>>;
  if (v !== 1 || typeof n !== 'string' || n.length === 0 || typeof e !== 'string') return null;
  if (f !== undefined && typeof f !== 'string') return null;
  if (b !== undefined && (b !== 1 || typeof p !== 'string')) return null;
  const payload = b === 1 ? Buffer.from(p as string, 'base64') : p;
  return f === undefined ? { nodeId: n, event: e, payload } : { nodeId: n, event: e, payload, from: f };
}
