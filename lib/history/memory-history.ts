import { randomNodeId } from '../node-identity.js';
import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import type { HistoryPolicy } from './history-options.js';
import type { Position } from './position.js';
import type { Recovery } from './recovery.js';

interface Entry {
  readonly offset: number;
  readonly at: number;
  readonly message: BroadcastMessage;
}

interface TopicState {
  readonly epoch: string;
  offset: number;
  /** The policy's ttl, for the sweep. */
  ttlMs: number;
  /** The kept broadcasts, oldest first; bounded by the policy's size and ttl. */
  entries: Entry[];
}

/** Topics whose numbering a node remembers; one unused for a whole rotation starts a new epoch. */
const REMEMBERED_TOPICS = 100_000;
/** How often kept broadcasts past their ttl are dropped from topics nobody touches. */
const SWEEP_PERIOD_MS = 30_000;

/**
 * This node's history, in memory (the default, and the fallback of PubSub adapters that keep
 * none): every history broadcast this node delivers is numbered here and kept in a ring per topic,
 * bounded by the policy's `size` and `ttlMs`. A topic's epoch and top offset outlive its messages,
 * so an idle topic keeps its position; the epoch is new for every topic this process starts to
 * number (after a restart, or once a topic unused for long was forgotten), so a position from a
 * lost history never matches.
 */
export class MemoryHistory {
  private readonly epochPrefix = randomNodeId();
  private epochs = 0;
  // Two generations, so that remembering a topic costs no bookkeeping per broadcast (see SequenceTable).
  private recent = new Map<string, TopicState>();
  private older = new Map<string, TopicState>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = Date.now) {}

  /** Stops the sweep of expired broadcasts (which starts with the first one kept). */
  close(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }

  /** Drops the broadcasts past their ttl from every topic; the timer calls it, tests may too. */
  sweep(now = this.now()): void {
    for (const states of [this.recent, this.older]) {
      for (const state of states.values()) this.dropExpired(state, state.ttlMs, now);
    }
  }

  /** Numbers and keeps `message`; returns it with its position. */
  record(message: BroadcastMessage, policy: HistoryPolicy): BroadcastMessage {
    const state = this.state(message.topic);
    const offset = ++state.offset;
    // A literal of a fixed shape: a spread copy costs several times its memory, per kept broadcast.
    const { topic, event, payload, from } = message;
    const positioned: BroadcastMessage = { topic, event, payload, from, position: { epoch: state.epoch, offset } };
    const at = this.now();
    state.ttlMs = policy.ttlMs;
    state.entries.push({ offset, at, message: positioned });
    if (state.entries.length > policy.size) state.entries.shift();
    this.dropExpired(state, policy.ttlMs, at);
    if (this.sweepTimer === undefined) {
      this.sweepTimer = setInterval(() => this.sweep(), SWEEP_PERIOD_MS);
      this.sweepTimer.unref();
    }
    return positioned;
  }

  /** For a join: the topic's position, and the kept broadcasts after `since` when there is one. */
  recover(topic: string, since: Position | null, policy: HistoryPolicy): Recovery {
    const state = this.state(topic);
    const position = { epoch: state.epoch, offset: state.offset };
    if (since === null) return { position, messages: [] };
    const lost = { position, recovered: false, messages: [] };
    if (since.epoch !== state.epoch || since.offset > state.offset) return lost;
    this.dropExpired(state, policy.ttlMs, this.now());
    const first = state.entries[0];
    // Nothing kept, or the oldest kept is past the next one the client needs: a gap.
    if (since.offset < state.offset && (first === undefined || first.offset > since.offset + 1)) return lost;
    const messages = state.entries.filter((entry) => entry.offset > since.offset).map((entry) => entry.message);
    return { position, recovered: true, messages };
  }

  private state(topic: string): TopicState {
    let state = this.recent.get(topic);
    if (state !== undefined) return state;
    state = this.older.get(topic);
    if (state !== undefined) this.older.delete(topic);
    else state = { epoch: `${this.epochPrefix}.${(this.epochs++).toString(36)}`, offset: 0, ttlMs: 0, entries: [] };
    if (this.recent.size >= REMEMBERED_TOPICS / 2) {
      this.older = this.recent;
      this.recent = new Map();
    }
    this.recent.set(topic, state);
    return state;
  }

  private dropExpired(state: TopicState, ttlMs: number, now: number): void {
    const oldest = now - ttlMs;
    let expired = 0;
    while (expired < state.entries.length && state.entries[expired]!.at < oldest) expired++;
    if (expired > 0) state.entries.splice(0, expired);
  }
}
