import { Logger } from '@nestjs/common';
import type { BroadcastMessage } from '../pubsub/broadcast-message.js';
import type { BroadcastSubscriber } from '../pubsub/broadcast-subscriber.interface.js';
import type { PubSub } from '../pubsub/pubsub.js';
import { nextSubscriberId, randomNodeId } from '../node-identity.js';
import type { ResolvedPresenceOptions } from './presence-options.js';
import { eventChannels } from '../observability/event-channels.js';
import { ReplicaTable, type ReplicaRecord } from './replica-table.js';
import type { PresenceChanges, TrackedPresence } from './tracked-presence.js';
import {
  inboxTopic,
  parseTrackerMessage,
  toPayload,
  TRACKER_TOPIC,
  type ReplicaRef,
  type TrackerMessage,
} from './tracker-messages.js';
import { TrackerState } from './tracker-state.js';
import { ChannelsError } from '../errors/channels.error.js';

const logger = new Logger('Presence');

export type TrackerOptions = Pick<ResolvedPresenceOptions, 'broadcastPeriodMs' | 'downPeriodMs' | 'deltaBatchMs' | 'nodeName'>;

/**
 * Replicates presences between nodes over the PubSub alone (Phoenix.Tracker's role): whatever
 * adapter carries broadcasts carries the tracker too. Each node announces its own changes as
 * deltas (batched for `deltaBatchMs`), says it is alive every `broadcastPeriodMs` when it had
 * nothing else to say, and answers requests for its whole state: a node that starts says hello
 * and every other node sends it its state; a node that finds a gap in another's versions asks
 * that one for its state. A node silent for `downPeriodMs` is declared down and its presences
 * leave; one that shuts down says goodbye so they leave at once.
 */
export class PresenceTracker implements BroadcastSubscriber {
  readonly subscriberId = nextSubscriberId('presence');
  readonly self: ReplicaRef;
  readonly state: TrackerState;
  private readonly replicas: ReplicaTable;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  /** Whether a message went to every node since the last tick, making a heartbeat needless. */
  private spokeThisPeriod = false;
  private running = false;
  private readonly warned = new Set<string>();

  constructor(
    private readonly pubsub: PubSub,
    private readonly options: TrackerOptions,
    /** Receives every change, local or remote, to turn into `presence_diff`s. */
    private readonly onChanges: (changes: PresenceChanges) => void,
    private readonly now: () => number = () => performance.now(),
    /** This run of the node: new at every start, so the others tell a restart from a pause. */
    runId: string = randomNodeId(),
  ) {
    this.self = { name: options.nodeName, vsn: runId };
    this.state = new TrackerState(options.nodeName);
    this.replicas = new ReplicaTable(options.downPeriodMs);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Names of the other nodes currently heard from. */
  replicaNames(): string[] {
    return [...this.replicas.values()].map((record) => record.ref.name);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.pubsub.subscribe(TRACKER_TOPIC, this);
    this.pubsub.subscribe(inboxTopic(this.self), this);
    // Changes made before the start were never announced: the version moves on and the other
    // nodes, seeing it, ask for the whole state.
    this.state.takeDelta();
    this.send(TRACKER_TOPIC, { event: 'hello', from: this.self, clock: this.state.clock });
    this.heartbeatTimer = setInterval(() => this.tick(), this.options.broadcastPeriodMs);
    this.heartbeatTimer.unref();
  }

  /** Stops talking and listening; `announce` tells the others so this node's presences leave now. */
  stop(announce: boolean): void {
    if (!this.running) return;
    // Changes still waiting for their batch window go out first, so no leave is lost even if
    // the goodbye does not arrive.
    this.flush();
    this.running = false;
    clearInterval(this.heartbeatTimer);
    if (announce) this.send(TRACKER_TOPIC, { event: 'goodbye', from: this.self });
    this.pubsub.unsubscribe(TRACKER_TOPIC, this);
    this.pubsub.unsubscribe(inboxTopic(this.self), this);
  }

  track(owner: string, presence: TrackedPresence): void {
    this.state.join(owner, presence);
    if (eventChannels.presenceTrack.hasSubscribers) eventChannels.presenceTrack.publish({ topic: presence.topic, key: presence.key });
    this.changed({ joins: [presence], leaves: [] });
  }

  /** Replaces the presence of `owner` under the same topic and key with `presence`. */
  update(owner: string, presence: TrackedPresence): void {
    const previous = this.state.leave(owner, presence.topic, presence.key);
    if (!previous) throw new ChannelsError('CHANNELS_ERR_PRESENCE_NOT_TRACKED', `"${presence.key}" is not tracked by this channel on "${presence.topic}"`);
    this.state.join(owner, presence);
    this.changed({ joins: [presence], leaves: [previous] });
  }

  untrack(owner: string, topic: string, key: string): void {
    const left = this.state.leave(owner, topic, key);
    if (!left) return;
    publishUntracks([left]);
    this.changed({ joins: [], leaves: [left] });
  }

  untrackOwner(owner: string): void {
    const leaves = this.state.leaveOwner(owner);
    publishUntracks(leaves);
    this.changed({ joins: [], leaves });
  }

  /** Sends pending changes now rather than at the end of the batch window. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.running) return;
    const delta = this.state.takeDelta();
    if (delta) this.send(TRACKER_TOPIC, { event: 'delta', from: this.self, ...delta });
  }

  /** Runs every broadcast period: heartbeat when silent, then down detection. */
  tick(): void {
    if (!this.running) return;
    if (!this.spokeThisPeriod && !this.flushTimer) {
      this.send(TRACKER_TOPIC, { event: 'heartbeat', from: this.self, clock: this.state.clock });
    }
    this.spokeThisPeriod = false;
    for (const record of this.replicas.takeDown(this.now(), this.options.downPeriodMs)) {
      const left = this.state.dropReplica(record.ref.name);
      logger.log(`Node "${record.ref.name}" silent for over ${this.options.downPeriodMs} ms: declared down, ${left.length} presence(s) left`);
      this.emit({ joins: [], leaves: left });
    }
  }

  deliver({ event, payload }: BroadcastMessage): void {
    if (!this.running) return;
    const message = parseTrackerMessage(event, payload);
    if (message) this.receive(message);
    else this.warnOnce('invalid', `Ignoring a message on the presence topic that is not a tracker message of this version ("${event}")`);
  }

  private receive(message: TrackerMessage): void {
    const { from } = message;
    if (from.name === this.self.name) {
      if (from.vsn !== this.self.vsn) this.warnOnce('name', `Another node uses the presence node name "${from.name}": give each node its own nodeName`);
      return;
    }
    const now = this.now();
    if (message.event === 'goodbye') {
      if (this.replicas.depart(from, now)) this.emit({ joins: [], leaves: this.state.dropReplica(from.name) });
      return;
    }
    const sighting = this.replicas.sighted(from, now);
    if (!sighting) return;
    // The node restarted under the same name: its previous run's presences are gone.
    if (sighting.replaced) this.emit({ joins: [], leaves: this.state.dropReplica(from.name) });
    const { record } = sighting;
    switch (message.event) {
      case 'hello':
        this.sendState(from);
        this.compareClock(record, message.clock);
        break;
      case 'heartbeat':
        this.compareClock(record, message.clock);
        break;
      case 'delta':
        if (message.clock === record.clock + 1) {
          record.clock = message.clock;
          this.emit(this.state.mergeDelta(from.name, message.joins, message.leaves));
        } else if (message.clock > record.clock + 1) {
          this.requestTransfer(record);
        }
        break;
      case 'state':
        record.transferRequestedAt = null;
        if (message.clock < record.clock) break;
        record.clock = message.clock;
        this.emit(this.state.replaceReplica(from.name, message.presences));
        break;
      case 'transfer_req':
        this.sendState(from);
        break;
    }
  }

  /** A version ahead of this node's copy means missed deltas: ask for the whole state. */
  private compareClock(record: ReplicaRecord, clock: number): void {
    if (clock > record.clock) this.requestTransfer(record);
  }

  private requestTransfer(record: ReplicaRecord): void {
    const now = this.now();
    const asked = record.transferRequestedAt;
    if (asked !== null && now - asked < this.options.broadcastPeriodMs) return;
    record.transferRequestedAt = now;
    this.send(inboxTopic(record.ref), { event: 'transfer_req', from: this.self });
  }

  private sendState(to: ReplicaRef): void {
    this.flush();
    const message: TrackerMessage = { event: 'state', from: this.self, clock: this.state.clock, presences: this.state.ownPresences() };
    this.send(inboxTopic(to), message);
  }

  private changed(changes: PresenceChanges): void {
    this.emit(changes);
    if (!this.running || this.flushTimer || !this.state.hasPendingDelta) return;
    this.flushTimer = setTimeout(() => this.flush(), this.options.deltaBatchMs);
    this.flushTimer.unref();
  }

  private emit(changes: PresenceChanges): void {
    if (changes.joins.length > 0 || changes.leaves.length > 0) this.onChanges(changes);
  }

  private send(topic: string, message: TrackerMessage): void {
    if (topic === TRACKER_TOPIC) this.spokeThisPeriod = true;
    this.pubsub.publishControl(topic, message.event, toPayload(message), this);
  }

  private warnOnce(kind: string, text: string): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    logger.warn(text);
  }
}

function publishUntracks(leaves: readonly TrackedPresence[]): void {
  if (!eventChannels.presenceUntrack.hasSubscribers) return;
  for (const { topic, key } of leaves) eventChannels.presenceUntrack.publish({ topic, key });
}
