import { protocolError } from '../errors/protocol.error.js';
import type { InboundMessage } from './messages.js';

function isRef(value: unknown): value is string | null {
  return value === null || value === undefined || typeof value === 'string';
}

/** Checks the field types of a decoded client frame; the payload is left to the handlers. */
export function toInboundMessage(
  joinRef: unknown,
  ref: unknown,
  topic: unknown,
  event: unknown,
  payload: unknown,
): InboundMessage {
  // The error carries the ref when it is a string, so that a client can match the error reply.
  const readableRef = typeof ref === 'string' ? ref : null;
  if (typeof topic !== 'string' || topic.length === 0) throw protocolError('topic must be a non-empty string', readableRef);
  if (typeof event !== 'string' || event.length === 0) throw protocolError('event must be a non-empty string', readableRef);
  if (!isRef(joinRef) || !isRef(ref)) throw protocolError('join_ref and ref must be strings or null', readableRef);
  return { joinRef: joinRef ?? null, ref: ref ?? null, topic, event, payload: payload ?? null };
}
