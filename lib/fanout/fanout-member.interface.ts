import type { MessageOutEvent } from '../observability/events.js';
import type { Frame } from '../protocol/messages.js';
import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import type { Serializer } from '../serializers/serializer.interface.js';

/** Where the fast path writes a broadcast for one joined channel: its connection. */
export interface FanoutTarget {
  /** The client's wire format: the broadcast is encoded once per wire format for every target. */
  readonly serializer: Serializer;
  /** `kind` is what the message events report the frame as. */
  send(frame: Frame, kind?: MessageOutEvent['kind']): void;
}

/** A joined channel as the fan-out sees it. */
export interface FanoutMember {
  /** Compared with `BroadcastMessage.from` to skip the sender of a `broadcastFrom`. */
  readonly subscriberId: string;
  readonly target: FanoutTarget;
  /** Events this channel intercepts (`@HandleOut`): they go to `intercept` instead of the fast path. */
  readonly intercepts: { has(event: string): boolean };
  intercept(message: BroadcastMessage): void;
}
