import { groupByKey } from './presence-grouping.js';
import type { PresenceDiff } from './presence.types.js';
import type { PresenceChanges, TrackedPresence } from './tracked-presence.js';

/**
 * A topic's changes within one diff window, kept as their net effect so that one `presence_diff`
 * leaves a client (phoenix.js `Presence.syncDiff`) with the presences and meta order that the
 * separate diffs would have:
 * - a presence that joins and leaves within the window cancels out (nobody was told of it);
 * - an update (leave the old ref, join the new one) twice in a window leaves the first ref and
 *   joins the last, whose `phx_ref_prev` is the ref in between, as after the separate diffs;
 * - joins keep their order, so the metas of a key end in the order the separate diffs give.
 * A ref that left and joins again (a replica seen down, then back) cannot be merged without
 * moving its meta: {@link canTake} says so, and the window is sent first.
 */
export class PendingDiff {
  private readonly joins = new Map<string, TrackedPresence>();
  private readonly leaves = new Map<string, TrackedPresence>();

  get isEmpty(): boolean {
    return this.joins.size === 0 && this.leaves.size === 0;
  }

  /** False when `changes` joins a ref that left within this window. */
  canTake(changes: PresenceChanges): boolean {
    return !changes.joins.some((presence) => this.leaves.has(presence.meta.phx_ref));
  }

  /** Adds `changes` (whose joins and leaves never share a ref, see `PresenceTracker`). */
  take(changes: PresenceChanges): void {
    for (const presence of changes.leaves) {
      const ref = presence.meta.phx_ref;
      if (!this.joins.delete(ref)) this.leaves.set(ref, presence);
    }
    for (const presence of changes.joins) this.joins.set(presence.meta.phx_ref, presence);
  }

  /** The window's `presence_diff`, or null when everything cancelled out. */
  toDiff(): PresenceDiff | null {
    if (this.isEmpty) return null;
    return { joins: groupByKey(this.joins.values()), leaves: groupByKey(this.leaves.values()) };
  }
}
