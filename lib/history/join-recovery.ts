import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import { formatPosition, parsePosition, type Position } from './position.js';
import type { Recovery } from './recovery.js';

/** What a join asked of the history: `since` from its params (phoenix.js sends them as the payload). */
export interface RecoveryRequest {
  /** The position to recover from, or null for none (or a malformed one). */
  readonly since: Position | null;
  /** The client sent `since`, valid or not: its reply then says whether it recovered. */
  readonly asked: boolean;
}

export function recoveryRequest(payload: unknown): RecoveryRequest {
  const since = typeof payload === 'object' && payload !== null ? (payload as { since?: unknown }).since : undefined;
  if (since === undefined || since === null) return { since: null, asked: false };
  return { since: parsePosition(since), asked: true };
}

/** The `recovery` object of a join reply. */
export function recoveryReply(recovery: Recovery | null, request: RecoveryRequest): Record<string, unknown> {
  const reply: Record<string, unknown> = recovery ? { position: formatPosition(recovery.position) } : {};
  if (request.asked) reply.recovered = request.since !== null && recovery?.recovered === true;
  return reply;
}

/**
 * The join's ok response with `recovery` merged in. Only an object response can carry it: a join
 * handler that returns an array, a string or bytes keeps its response as it is (the client then
 * learns no position from the reply, though broadcasts still carry theirs).
 */
export function withRecovery(response: unknown, recovery: Record<string, unknown>): { response: unknown; merged: boolean } {
  if (response === undefined) return { response: { recovery }, merged: true };
  const mergeable = typeof response === 'object' && response !== null && !Array.isArray(response) && !ArrayBuffer.isView(response);
  return mergeable ? { response: { ...response, recovery }, merged: true } : { response, merged: false };
}

/**
 * What the client gets after the reply: the recovered broadcasts, then those that arrived live
 * while the history was read, without the ones already replayed (merged by offset).
 */
export function replayOrder(recovery: Recovery | null, held: readonly BroadcastMessage[]): BroadcastMessage[] {
  const replayed = recovery?.messages ?? [];
  const top = recovery?.position;
  const live = held.filter((message) => !isCovered(message.position, top));
  return replayed.length === 0 ? live : [...replayed, ...live];
}

/** Whether a broadcast at `position` is at or before `top`: replayed already, or before the join. */
function isCovered(position: Position | undefined, top: Position | undefined): boolean {
  return position !== undefined && top !== undefined && position.epoch === top.epoch && position.offset <= top.offset;
}
