import { Logger } from '@nestjs/common';
import type { ChannelFanout } from '../fanout/channel-fanout.js';
import { SliceBudget } from '../fanout/slice-budget.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { PreEncodedPayload } from '../serializers/pre-encoded-payload.js';
import type { Socket } from '../socket/socket.js';
import type { LargeRooms } from './large-rooms.js';
import { PendingDiff } from './pending-diff.js';
import type { PresenceEnricher } from './presence-enricher.js';
import { PRESENCE_DIFF, PRESENCE_STATE, PRESENCE_SUMMARY } from './presence-events.js';
import { groupByKey } from './presence-grouping.js';
import type { PresenceDiff, Presences } from './presence.types.js';
import type { PresenceChanges, TrackedPresence } from './tracked-presence.js';

const logger = new Logger('Presence');

/** How long presence fan-out runs before the event loop gets a turn, in ms. */
const SLICE_MS = 5;

/** One event of a window, to members or to joiners. */
interface OutgoingMessage {
  event: string;
  payload: unknown;
}

interface Outgoing {
  /** To every channel of the topic but the window's joiners (and those awaiting their state). */
  toMembers: OutgoingMessage[];
  /** To the window's joiners, each on its own join. */
  toJoiners: OutgoingMessage[];
}

/** One topic's diff window: its changes so far, and who asked for the state during it. */
interface OpenWindow {
  readonly pending: PendingDiff;
  readonly joiners: Map<string, Socket<object>>;
  readonly timer: NodeJS.Timeout;
  /** Settles once the window's states were pushed: `pushState`'s promise. */
  readonly stated: Promise<void>;
  readonly settle: () => void;
}

/**
 * Sends a topic's presence changes as one `presence_diff` per window of `windowMs` (every node
 * from its own copy of the state, as Phoenix does), encoded once for all of this node's channels
 * and delivered in slices. The channels that ask for the state during a window get it at the
 * window's end, one list for all, with the window's changes in it, and so never that window's
 * diff: from then on they get every diff, relayed while they are still joining. Windows of a topic
 * are delivered one after the other, so diffs keep their order even through `fetch` and slices.
 * In large-room mode (`LargeRooms`), a window sends the capped list's changes and the counts instead.
 */
export class WindowDispatcher {
  private readonly windows = new Map<string, OpenWindow>();
  /** Per topic, the window being delivered (fetch, slices): the next one waits for it. */
  private readonly tails = new Map<string, Promise<void>>();
  /** Per topic, channels that asked for the state and were not sent it: no diff reaches them before it. */
  private readonly awaiting = new Map<string, Map<string, Socket<object>>>();
  /** Per topic, channels sent the state but not subscribed yet (still joining): diffs are relayed to them. */
  private readonly joining = new Map<string, Map<string, Socket<object>>>();

  constructor(
    private readonly pubsub: PubSub,
    private readonly fanout: ChannelFanout,
    private readonly enricher: PresenceEnricher,
    /** The topic's presences now, oldest first. */
    private readonly list: (topic: string) => TrackedPresence[],
    private readonly windowMs: number,
    /** Large-room mode, when configured. */
    private readonly largeRooms: LargeRooms | null = null,
  ) {}

  /** Adds `changes` of `topic` to its window. */
  changed(topic: string, changes: PresenceChanges): void {
    // Nobody here listens: no diff to build, and above all no `fetch` (often a database query).
    if (this.pubsub.subscriberCount(topic) === 0 && !this.windows.has(topic) && !this.hasJoining(topic)) {
      this.largeRooms?.forget(topic);
      return;
    }
    let window = this.open(topic);
    if (!window.pending.canTake(changes)) {
      // The state holds `changes` already: this window's joiners wait for the next window, whose
      // list has them, and whose diff they do not get.
      this.flush(topic, true);
      window = this.open(topic, window);
    }
    window.pending.take(changes);
  }

  /** `socket` gets the topic's list at the end of the current window (see the class). */
  pushState(socket: Socket<object>): Promise<void> {
    if (socket.ended) return Promise.resolve();
    const window = this.open(socket.topic);
    window.joiners.set(socket.subscriberId, socket);
    slot(this.awaiting, socket.topic).set(socket.subscriberId, socket);
    return window.stated;
  }

  /** The open window of `topic`, or a new one (with the joiners of `carried`, sent early). */
  private open(topic: string, carried?: OpenWindow): OpenWindow {
    const existing = this.windows.get(topic);
    if (existing) return existing;
    let settle!: () => void;
    const stated = carried?.stated ?? new Promise<void>((resolve) => (settle = resolve));
    const timer = setTimeout(() => this.flush(topic), this.windowMs);
    timer.unref();
    const joiners = carried?.joiners ?? new Map<string, Socket<object>>();
    const window: OpenWindow = { pending: new PendingDiff(), joiners, timer, stated, settle: carried?.settle ?? settle };
    this.windows.set(topic, window);
    return window;
  }

  /** Closes the window of `topic`: what it sends is taken now, and sent in turn; `holdJoiners` leaves its joiners to the next window. */
  private flush(topic: string, holdJoiners = false): void {
    const window = this.windows.get(topic);
    if (!window) return;
    this.windows.delete(topic);
    clearTimeout(window.timer);
    const joiners = holdJoiners ? new Map<string, Socket<object>>() : window.joiners;
    const outgoing = this.outgoing(topic, window.pending, joiners.size > 0);
    const previous = this.tails.get(topic) ?? Promise.resolve();
    const sent: Promise<void> = previous
      .then(() => this.deliver(topic, outgoing, joiners))
      .catch((error: unknown) => logger.error(`Presence on "${topic}" could not be sent: ${String(error)}`))
      .finally(() => {
        if (!holdJoiners) window.settle();
        if (this.tails.get(topic) === sent) this.tails.delete(topic);
      });
    this.tails.set(topic, sent);
  }

  /** The window's messages to the topic's members and to its joiners. */
  private outgoing(topic: string, pending: PendingDiff, hasJoiners: boolean): Outgoing {
    const large = this.largeRooms?.output(topic, this.list(topic));
    if (!large) {
      const diff = pending.toDiff();
      return {
        toMembers: diff ? [{ event: PRESENCE_DIFF, payload: diff }] : [],
        toJoiners: hasJoiners ? [{ event: PRESENCE_STATE, payload: groupByKey(this.list(topic)) }] : [],
      };
    }
    const toMembers: OutgoingMessage[] = [];
    if (large.memberState) toMembers.push({ event: PRESENCE_STATE, payload: large.memberState });
    else if (large.diff) toMembers.push({ event: PRESENCE_DIFF, payload: large.diff });
    if (large.summary) toMembers.push({ event: PRESENCE_SUMMARY, payload: large.summary });
    const toJoiners: OutgoingMessage[] = [];
    if (hasJoiners) toJoiners.push({ event: PRESENCE_STATE, payload: large.joinerState });
    if (hasJoiners && large.joinerSummary) toJoiners.push({ event: PRESENCE_SUMMARY, payload: large.joinerSummary });
    return { toMembers, toJoiners };
  }

  private async deliver(topic: string, outgoing: Outgoing, joiners: Map<string, Socket<object>>): Promise<void> {
    const toMembers = await this.enrich(topic, outgoing.toMembers);
    const toJoiners = await this.enrich(topic, outgoing.toJoiners);
    const budget = new SliceBudget(SLICE_MS);
    // Channels still joining that had their state in an earlier window: not subscribed yet.
    if (toMembers.length > 0 && this.hasJoining(topic) && this.joining.has(topic)) {
      const relayed = toMembers.map(({ event, payload }) => ({ event, payload: new PreEncodedPayload(payload) }));
      for (const socket of this.joining.get(topic)!.values()) for (const { event, payload } of relayed) socket.push(event, payload);
    }
    if (toJoiners.length > 0) await this.pushToJoiners(topic, toJoiners, joiners, budget);
    // This window's joiners have its changes in their state, later ones will; relayed ones got it above.
    const skip = (id: string) => joiners.has(id) || this.awaiting.get(topic)?.has(id) === true || this.joining.get(topic)?.has(id) === true;
    for (const { event, payload } of toMembers) {
      this.pubsub.localBroadcastBeside(this.fanout, topic, event, payload);
      await this.fanout.deliverInSlices({ topic, event, payload }, skip, budget);
    }
  }

  /** `messages` with `fetch` applied to the lists and diffs in them (each list once). */
  private async enrich(topic: string, messages: OutgoingMessage[]): Promise<OutgoingMessage[]> {
    if (!this.enricher.active || messages.length === 0) return messages;
    return Promise.all(
      messages.map(async ({ event, payload }) => {
        if (event === PRESENCE_DIFF) return { event, payload: await this.enricher.enrichDiff(topic, payload as PresenceDiff) };
        if (event === PRESENCE_STATE) return { event, payload: await this.enricher.enrich(topic, payload as Presences) };
        return { event, payload };
      }),
    );
  }

  private async pushToJoiners(topic: string, messages: OutgoingMessage[], joiners: Map<string, Socket<object>>, budget: SliceBudget): Promise<void> {
    const shared = messages.map(({ event, payload }) => ({ event, payload: new PreEncodedPayload(payload) }));
    const awaiting = this.awaiting.get(topic);
    for (const [id, socket] of joiners) {
      const pause = budget.pause();
      if (pause) await pause;
      if (awaiting?.delete(id) && awaiting.size === 0) this.awaiting.delete(topic);
      if (socket.ended) continue;
      for (const { event, payload } of shared) socket.push(event, payload);
      if (!socket.joined) this.relayWhileJoining(socket);
    }
  }

  private relayWhileJoining(socket: Socket<object>): void {
    const sockets = slot(this.joining, socket.topic);
    if (sockets.has(socket.subscriberId)) return;
    sockets.set(socket.subscriberId, socket);
    socket.onEnd(() => this.stopRelaying(socket));
  }

  /** Whether channels of `topic` are awaiting their state or still joining; forgets those that joined or ended. */
  private hasJoining(topic: string): boolean {
    for (const socket of this.joining.get(topic)?.values() ?? []) {
      if (socket.joined || socket.ended) this.stopRelaying(socket);
    }
    return this.joining.has(topic) || this.awaiting.has(topic);
  }

  private stopRelaying(socket: Socket<object>): void {
    const sockets = this.joining.get(socket.topic);
    if (!sockets?.delete(socket.subscriberId)) return;
    if (sockets.size === 0) this.joining.delete(socket.topic);
  }
}

function slot<V>(map: Map<string, Map<string, V>>, topic: string): Map<string, V> {
  let inner = map.get(topic);
  if (!inner) map.set(topic, (inner = new Map()));
  return inner;
}
