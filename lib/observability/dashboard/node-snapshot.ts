import type { DisconnectReason, PubSubLinkState } from '../events.js';

/** One node's figures at one instant, as it sends them to every node. @publicApi */
export interface NodeSnapshot {
  node: string;
  /** When it was taken (ms since epoch, the sending node's clock). */
  at: number;
  sockets: Record<string, number>;
  /** Joined channels by route pattern. */
  channels: Record<string, number>;
  /** The topics with the most client messages and broadcasts lately (counts halve every 30 s). */
  busiestTopics: Array<{ topic: string; messages: number }>;
  messagesInPerSecond: number;
  messagesOutPerSecond: number;
  presences: number;
  pubsub: { state: PubSubLinkState | 'in-memory'; published: number; received: number; dropped: number; missed: number };
  recentDisconnects: Array<{ at: number; transport: string; reason: DisconnectReason }>;
}

/** A node as the dashboard shows it: its latest figures and the recent rates for the charts. @publicApi */
export interface DashboardNode {
  latest: NodeSnapshot;
  /** `[at, in per second, out per second]`, oldest first. */
  rates: Array<[number, number, number]>;
}
