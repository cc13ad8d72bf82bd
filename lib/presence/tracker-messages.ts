import { ControlTopic } from '../protocol/reserved.js';
import type { TrackedPresence } from './tracked-presence.js';

/** One run of a node: its name, and a version that is new on every start. */
export interface ReplicaRef {
  name: string;
  vsn: string;
}

/** Every tracker subscribes to this topic: hello, heartbeats, deltas and goodbyes travel on it. */
export const TRACKER_TOPIC = ControlTopic.presenceReplicas;

/** A replica's own topic, for messages meant for it alone (transfer requests and states). */
export function inboxTopic(replica: ReplicaRef): string {
  return ControlTopic.presenceReplica(replica.name, replica.vsn);
}

/**
 * What trackers say to each other. Heartbeats carry only the sender's version, so they cost the
 * same whatever the number of presences; a receiver that finds itself behind asks for a transfer.
 */
export type TrackerMessage =
  /** A node that just started: every other node answers with its `state`. */
  | { event: 'hello'; from: ReplicaRef; clock: number }
  | { event: 'heartbeat'; from: ReplicaRef; clock: number }
  /** The sender's changes from version `clock - 1` to `clock`. */
  | { event: 'delta'; from: ReplicaRef; clock: number; joins: TrackedPresence[]; leaves: string[] }
  | { event: 'transfer_req'; from: ReplicaRef }
  /** The sender's whole state at version `clock`. */
  | { event: 'state'; from: ReplicaRef; clock: number; presences: TrackedPresence[] }
  /** The sender shuts down: its presences leave now rather than after the down period. */
  | { event: 'goodbye'; from: ReplicaRef };

/** The payload of `message` on the PubSub (the event travels as the broadcast's event). */
export function toPayload(message: TrackerMessage): Record<string, unknown> {
  const { event: _event, ...payload } = message;
  return payload;
}

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isClock = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;

function isReplicaRef(value: unknown): value is ReplicaRef {
  return isObject(value) && typeof value.name === 'string' && value.name.length > 0 && typeof value.vsn === 'string';
}

function isPresence(value: unknown): value is TrackedPresence {
  return (
    isObject(value) &&
    typeof value.topic === 'string' &&
    typeof value.key === 'string' &&
    isObject(value.meta) &&
    typeof value.meta.phx_ref === 'string'
  );
}

const isPresenceList = (value: unknown): value is TrackedPresence[] => Array.isArray(value) && value.every(isPresence);

/**
 * The tracker message in a broadcast, or null when it is not one this version understands (another
 * version, or garbage on the topic): such messages are ignored, never thrown on.
 */
export function parseTrackerMessage(event: string, payload: unknown): TrackerMessage | null {
  if (!isObject(payload) || !isReplicaRef(payload.from)) return null;
  const { from } = payload;
  switch (event) {
    case 'hello':
    case 'heartbeat':
      return isClock(payload.clock) ? { event, from, clock: payload.clock } : null;
    case 'delta': {
      const { clock, joins, leaves } = payload;
      const valid = isClock(clock) && clock > 0 && isPresenceList(joins) && Array.isArray(leaves) && leaves.every((ref) => typeof ref === 'string');
      return valid ? { event, from, clock, joins, leaves: leaves as string[] } : null;
    }
    case 'state':
      return isClock(payload.clock) && isPresenceList(payload.presences)
        ? { event, from, clock: payload.clock, presences: payload.presences }
        : null;
    case 'transfer_req':
    case 'goodbye':
      return { event, from };
    default:
      return null;
  }
}
