import type { PresenceMeta } from './presence.types.js';

/** One presence in the tracker's state; JSON as is, since replicas exchange it over the PubSub. */
export interface TrackedPresence {
  readonly topic: string;
  readonly key: string;
  /** The user's meta with its `phx_ref`, which identifies the presence on every node. */
  readonly meta: PresenceMeta;
}

/** What one operation or message changed: presences that appeared and those that went away. */
export interface PresenceChanges {
  joins: TrackedPresence[];
  leaves: TrackedPresence[];
}
