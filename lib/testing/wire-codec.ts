import type { ReplyStatus } from 'nestjs-channels';
import type { Frame } from '../protocol/messages.js';
import { PhxEvent } from '../protocol/events.js';
import { isBinaryPayload, toBuffer } from '../protocol/messages.js';
import { BinaryKind, encodeBinaryFrame } from '../serializers/v2-binary-frame.js';

/**
 * A message the test client received on a topic: a server push, a broadcast that reached it
 * (`joinRef` null), or the protocol's own `phx_close` / `phx_error`. Binary payloads are `Buffer`s.
 * @publicApi
 */
export interface ReceivedMessage {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: unknown;
}

/** A `phx_reply` the test client received; a binary response is a `Buffer`. @publicApi */
export interface ReceivedReply {
  readonly joinRef: string | null;
  readonly ref: string;
  readonly topic: string;
  readonly status: ReplyStatus;
  readonly response: unknown;
}

/** A decoded server frame. */
export type ServerFrame = { kind: 'reply'; reply: ReceivedReply } | { kind: 'message'; message: ReceivedMessage };

/** A client frame of serializer 2.0.0, as the phoenix client encodes it. */
export interface ClientMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

/** Encodes like the phoenix client: a JSON array, or a binary push (kind 0) for byte payloads. */
export function encodeClientFrame(message: ClientMessage): { data: Buffer; binary: boolean } {
  const { joinRef, ref, topic, event, payload } = message;
  if (isBinaryPayload(payload)) {
    const fields: Array<[string, string | null]> = [['join_ref', joinRef], ['ref', ref], ['topic', topic], ['event', event]];
    return { data: encodeBinaryFrame(BinaryKind.push, fields, toBuffer(payload)), binary: true };
  }
  return { data: Buffer.from(JSON.stringify([joinRef, ref, topic, event, payload]), 'utf8'), binary: false };
}

/** Decodes a frame the server sent with serializer 2.0.0 (text or binary). */
export function decodeServerFrame(frame: Frame): ServerFrame {
  const data = typeof frame.data === 'string' ? Buffer.from(frame.data, 'utf8') : frame.data;
  return frame.binary ? decodeBinary(data) : decodeText(data.toString('utf8'));
}

function decodeText(text: string): ServerFrame {
  const [joinRef, ref, topic, event, payload] = JSON.parse(text) as [string | null, string | null, string, string, unknown];
  if (event === PhxEvent.reply) {
    const { status, response } = payload as { status: ReplyStatus; response: unknown };
    return { kind: 'reply', reply: { joinRef, ref: ref as string, topic, status, response } };
  }
  return { kind: 'message', message: { joinRef, ref, topic, event, payload } };
}

function decodeBinary(data: Buffer): ServerFrame {
  const kind = data[0];
  const fieldCount = kind === BinaryKind.reply ? 4 : kind === BinaryKind.push ? 3 : 2;
  const lengths = [...data.subarray(1, 1 + fieldCount)];
  const fields: string[] = [];
  let offset = 1 + fieldCount;
  for (const length of lengths) {
    fields.push(data.toString('utf8', offset, offset + length));
    offset += length;
  }
  const payload = Buffer.from(data.subarray(offset));
  if (kind === BinaryKind.reply) {
    const [joinRef, ref, topic, status] = fields;
    return { kind: 'reply', reply: { joinRef: joinRef || null, ref, topic, status: status as ReplyStatus, response: payload } };
  }
  if (kind === BinaryKind.push) {
    const [joinRef, topic, event] = fields;
    return { kind: 'message', message: { joinRef: joinRef || null, ref: null, topic, event, payload } };
  }
  const [topic, event] = fields;
  return { kind: 'message', message: { joinRef: null, ref: null, topic, event, payload } };
}
