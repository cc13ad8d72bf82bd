import { HEARTBEAT_TOPIC } from './events.js';

/**
 * Every name the library keeps for itself, in one place.
 *
 * Topics: the heartbeat topic `phoenix`, and anything starting with `phx:` or `phx_`, which carry
 * the library's own traffic between nodes (socket disconnects, long-poll forwarding, presence
 * replication). No client joins them, whatever the channel routes, and the public broadcast API
 * refuses them, so no client or app code can forge that traffic. The one exception is
 * {@link LibraryTopic}: topics of the library's own features that a client may join, each only
 * through the check its feature registers (see `router/reserved-channels.ts`), never through a route.
 *
 * Events: Phoenix's own (`phx_join`, `phx_reply`, `phx_close`, ...; anything starting with `phx_`).
 * A client cannot push one to a handler, and a broadcast cannot carry one.
 */
const CONTROL_PREFIX = 'phx:';
const P = 0x70; // 'p', the first character of every reserved name

/** The topics of the library's node-to-node traffic. */
export const ControlTopic = {
  /** Every socket whose socket handler gave it `socketId`, on every node: `disconnect` closes them. */
  socket: (socketId: string) => `${CONTROL_PREFIX}socket:${socketId}`,
  /** The node that holds long-poll session `sessionId` serves what other nodes forward here. */
  longPollSession: (sessionId: string) => `${CONTROL_PREFIX}lp:${sessionId}`,
  /** Answers to the long-poll requests that node `nodeId` forwarded. */
  longPollReplies: (nodeId: string) => `${CONTROL_PREFIX}lp:node:${nodeId}`,
  /** Every presence tracker: hello, heartbeats, deltas and goodbyes. */
  presenceReplicas: `${CONTROL_PREFIX}presence:replicas`,
  /** One tracker run's own inbox (transfer requests and states). */
  presenceReplica: (name: string, vsn: string) => `${CONTROL_PREFIX}presence:replica:${name}:${vsn}`,
  /** Every node's dashboard snapshot, for the dashboard of each (`ChannelsDashboardModule`). */
  dashboard: `${CONTROL_PREFIX}dashboard`,
} as const;

/** Reserved topics a client may join, through the library's own check only (never an app route). */
export const LibraryTopic = {
  /** The dashboard page's live view of the cluster: joined with a grant its guarded page embeds. */
  dashboard: 'phx_dashboard',
} as const;

/** The events of that traffic (presence trackers name theirs in `presence/tracker-messages.ts`). */
export const ControlEvent = {
  /** On `ControlTopic.socket(id)`: close the sockets (1001). */
  disconnect: 'disconnect',
  /** On `ControlTopic.longPollSession(id)`: a poll or post that reached another node. */
  longPollRequest: 'lp_request',
  /** On `ControlTopic.longPollReplies(node)`: its acknowledgement, then its answer. */
  longPollReply: 'lp_reply',
} as const;

/** True for the topics no client may join and the public broadcast API refuses. */
export function isReservedTopic(topic: string): boolean {
  // Every broadcast asks: most topics are told apart by their first character alone.
  if (topic.charCodeAt(0) !== P) return false;
  return topic === HEARTBEAT_TOPIC || topic.startsWith(CONTROL_PREFIX) || topic.startsWith('phx_');
}

/** True for Phoenix's own events, which clients cannot push to handlers and broadcasts cannot carry. */
export function isReservedEvent(event: string): boolean {
  return event.charCodeAt(0) === P && event.startsWith('phx_');
}
