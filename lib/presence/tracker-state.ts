import type { PresenceChanges, TrackedPresence } from './tracked-presence.js';
import { ChannelsError } from '../errors/channels.error.js';

/** This node's changes since the last delta: what the other nodes have not been told yet. */
export interface LocalDelta {
  /** This node's version once the delta is applied; the one before is `clock - 1`. */
  clock: number;
  joins: TrackedPresence[];
  /** `phx_ref`s of presences that left. */
  leaves: string[];
}

/**
 * The presences a node knows: its own, which only it changes, and a copy of every other
 * replica's, each kept whole per replica so that a replica can be replaced or dropped at once.
 * No timers and no I/O: the tracker feeds it and sends what it returns.
 *
 * Each presence has a single writer (the node whose channel tracked it), so a version counter per
 * replica is all the causality needed: deltas apply in order, and a gap means asking the owner for
 * its whole state. Phoenix's tracker gossips a dotted causal context because any replica may
 * relay another's state; here every node hears every other through the PubSub, so each replica's
 * state only ever comes from that replica.
 */
export class TrackerState {
  private version = 0;
  /** Every presence known, by topic then `phx_ref`: what `list` reads. */
  private readonly byTopic = new Map<string, Map<string, TrackedPresence>>();
  /** Presences by replica name (this node's included), then `phx_ref`. */
  private readonly byReplica = new Map<string, Map<string, TrackedPresence>>();
  /** This node's presences by owner (a channel), then topic and key. */
  private readonly byOwner = new Map<string, Map<string, TrackedPresence>>();
  private readonly pendingJoins = new Map<string, TrackedPresence>();
  private readonly pendingLeaves = new Set<string>();

  constructor(
    /** This node's replica name. */
    readonly name: string,
  ) {}

  /** This node's version: how many deltas it has produced. */
  get clock(): number {
    return this.version;
  }

  get hasPendingDelta(): boolean {
    return this.pendingJoins.size > 0 || this.pendingLeaves.size > 0;
  }

  /** The presences of `topic`, oldest first. */
  list(topic: string): TrackedPresence[] {
    const presences = this.byTopic.get(topic);
    return presences ? [...presences.values()] : [];
  }

  /** This node's presence of `owner` under `key` on `topic`. */
  get(owner: string, topic: string, key: string): TrackedPresence | undefined {
    return this.byOwner.get(owner)?.get(ownerKey(topic, key));
  }

  /** Whether `owner` tracks anything. */
  owns(owner: string): boolean {
    return this.byOwner.has(owner);
  }

  /** Tracks a presence of this node; one per owner, topic and key. */
  join(owner: string, presence: TrackedPresence): void {
    let owned = this.byOwner.get(owner);
    const slot = ownerKey(presence.topic, presence.key);
    if (owned?.has(slot)) {
      throw new ChannelsError('CHANNELS_ERR_PRESENCE_ALREADY_TRACKED', `"${presence.key}" is already tracked by this channel on "${presence.topic}"; update() it instead`);
    }
    if (!owned) this.byOwner.set(owner, (owned = new Map()));
    owned.set(slot, presence);
    this.insert(this.name, presence);
    this.pendingJoins.set(presence.meta.phx_ref, presence);
  }

  /** Untracks a presence of this node; null when there was none. */
  leave(owner: string, topic: string, key: string): TrackedPresence | null {
    const owned = this.byOwner.get(owner);
    const slot = ownerKey(topic, key);
    const presence = owned?.get(slot);
    if (!owned || !presence) return null;
    owned.delete(slot);
    if (owned.size === 0) this.byOwner.delete(owner);
    this.forget(presence);
    return presence;
  }

  /** Untracks every presence of `owner`. */
  leaveOwner(owner: string): TrackedPresence[] {
    const owned = this.byOwner.get(owner);
    if (!owned) return [];
    this.byOwner.delete(owner);
    for (const presence of owned.values()) this.forget(presence);
    return [...owned.values()];
  }

  /** Hands over this node's changes since the last delta and bumps its version; null when none. */
  takeDelta(): LocalDelta | null {
    if (!this.hasPendingDelta) return null;
    this.version++;
    const delta = { clock: this.version, joins: [...this.pendingJoins.values()], leaves: [...this.pendingLeaves] };
    this.pendingJoins.clear();
    this.pendingLeaves.clear();
    return delta;
  }

  /** This node's presences: its whole state at `clock` once pending changes are taken. */
  ownPresences(): TrackedPresence[] {
    return [...(this.byReplica.get(this.name)?.values() ?? [])];
  }

  /** Applies another replica's delta. Presences already known or already gone are skipped. */
  mergeDelta(replica: string, joins: readonly TrackedPresence[], leaves: readonly string[]): PresenceChanges {
    const changes: PresenceChanges = { joins: [], leaves: [] };
    const known = this.byReplica.get(replica);
    for (const ref of leaves) {
      const presence = known?.get(ref);
      if (!presence) continue;
      this.remove(replica, presence);
      changes.leaves.push(presence);
    }
    for (const presence of joins) {
      if (this.byReplica.get(replica)?.has(presence.meta.phx_ref)) continue;
      this.insert(replica, presence);
      changes.joins.push(presence);
    }
    return changes;
  }

  /** Replaces what is known of `replica` with its whole state; only the differences change. */
  replaceReplica(replica: string, presences: readonly TrackedPresence[]): PresenceChanges {
    const incoming = new Map(presences.map((presence) => [presence.meta.phx_ref, presence]));
    const known = this.byReplica.get(replica);
    const leaves = [...(known?.keys() ?? [])].filter((ref) => !incoming.has(ref));
    const joins = [...incoming.values()].filter((presence) => !known?.has(presence.meta.phx_ref));
    return this.mergeDelta(replica, joins, leaves);
  }

  /** Forgets everything of `replica` (down or gone) and returns what left. */
  dropReplica(replica: string): TrackedPresence[] {
    const known = this.byReplica.get(replica);
    if (!known || replica === this.name) return [];
    const left = [...known.values()];
    for (const presence of left) this.remove(replica, presence);
    return left;
  }

  /** Names of the other replicas this node holds presences of. */
  remoteReplicas(): string[] {
    return [...this.byReplica.keys()].filter((name) => name !== this.name);
  }

  private forget(presence: TrackedPresence): void {
    this.remove(this.name, presence);
    const ref = presence.meta.phx_ref;
    // Joined and left before anyone was told: the other nodes never need to hear of it.
    if (!this.pendingJoins.delete(ref)) this.pendingLeaves.add(ref);
  }

  private insert(replica: string, presence: TrackedPresence): void {
    const ref = presence.meta.phx_ref;
    let ofReplica = this.byReplica.get(replica);
    if (!ofReplica) this.byReplica.set(replica, (ofReplica = new Map()));
    ofReplica.set(ref, presence);
    let ofTopic = this.byTopic.get(presence.topic);
    if (!ofTopic) this.byTopic.set(presence.topic, (ofTopic = new Map()));
    ofTopic.set(ref, presence);
  }

  private remove(replica: string, presence: TrackedPresence): void {
    const ref = presence.meta.phx_ref;
    const ofReplica = this.byReplica.get(replica);
    ofReplica?.delete(ref);
    if (ofReplica?.size === 0) this.byReplica.delete(replica);
    const ofTopic = this.byTopic.get(presence.topic);
    ofTopic?.delete(ref);
    if (ofTopic?.size === 0) this.byTopic.delete(presence.topic);
  }
}

/** One slot per topic and key; JSON keeps the two apart whatever characters they hold. */
function ownerKey(topic: string, key: string): string {
  return JSON.stringify([topic, key]);
}
