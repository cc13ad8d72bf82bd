import { protocolError, type MalformedFrameFields } from '../errors/protocol.error.js';
import type { InboundMessage } from './messages.js';

function isRef(value: unknown): value is string | null {
  return value === null || value === undefined || typeof value === 'string';
}

function readable(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The refs and topic of a malformed frame, where they are strings, for its error reply. */
export function readableFields(joinRef: unknown, ref: unknown, topic: unknown): MalformedFrameFields {
  return { ref: readable(ref), joinRef: readable(joinRef), topic: readable(topic) };
}

/** Checks the field types of a decoded client frame; the payload is left to the handlers. */
export function toInboundMessage(
  joinRef: unknown,
  ref: unknown,
  topic: unknown,
  event: unknown,
  payload: unknown,
): InboundMessage {
  if (typeof topic !== 'string' || topic.length === 0 || typeof event !== 'string' || event.length === 0 || !isRef(joinRef) || !isRef(ref)) {
    // The error carries what is readable, so that the client's push gets its error reply.
    const fields = readableFields(joinRef, ref, topic);
    if (typeof topic !== 'string' || topic.length === 0) throw protocolError('topic must be a non-empty string', fields);
    if (typeof event !== 'string' || event.length === 0) throw protocolError('event must be a non-empty string', fields);
    throw protocolError('join_ref and ref must be strings or null', fields);
  }
  return { joinRef: joinRef ?? null, ref: ref ?? null, topic, event, payload: payload ?? null };
}
