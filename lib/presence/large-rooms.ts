import { groupByKey } from './presence-grouping.js';
import type { PresenceDiff, Presences, PresenceSummary } from './presence.types.js';
import type { TrackedPresence } from './tracked-presence.js';

/** `largeRoom` of the options, resolved. */
export interface LargeRoomLimits {
  above: number;
  listCap: number;
}

/** What one window sends, besides what a room under the limit sends (see `WindowDispatcher`). */
export interface LargeRoomOutput {
  /** To every member: the capped list's changes. */
  diff: PresenceDiff | null;
  /** To every member, when the room crosses the limit either way: the list to start from. */
  memberState: Presences | null;
  /** To this window's joiners: the capped list (the whole list when leaving large mode). */
  joinerState: Presences;
  /** To every member when the counts changed; to joiners always; null once the room is back under. */
  summary: PresenceSummary | null;
  joinerSummary: PresenceSummary | null;
}

/** What the clients of a large room were last sent. */
interface View {
  shown: TrackedPresence[];
  summary: PresenceSummary;
}

/**
 * Rooms above `above` keys: their clients get the first `listCap` keys (in the order this node
 * learnt of them, with all their metas) through the standard events, so phoenix.js `Presence`
 * works on that list unchanged, and the exact counts as `presence_summary`. Counts are taken from
 * the replicated state, which every node holds whole. Back under 90% of `above`, the room gets its
 * whole list again: the gap keeps a room at the limit from switching every window.
 */
export class LargeRooms {
  private readonly views = new Map<string, View>();

  constructor(private readonly limits: LargeRoomLimits) {}

  /** The output of a window of `topic` whose presences are now `presences`, or null when the room is not large. */
  output(topic: string, presences: TrackedPresence[]): LargeRoomOutput | null {
    const summary = summarize(presences);
    const view = this.views.get(topic);
    const large = view ? summary.keys >= Math.ceil(0.9 * this.limits.above) : summary.keys > this.limits.above;
    if (!large) {
      if (!view) return null;
      this.views.delete(topic);
      const whole = groupByKey(presences);
      return { diff: null, memberState: whole, joinerState: whole, summary: null, joinerSummary: null };
    }
    const shown = capped(presences, this.limits.listCap);
    this.views.set(topic, { shown, summary });
    const joinerState = groupByKey(shown);
    if (!view) return { diff: null, memberState: joinerState, joinerState, summary, joinerSummary: summary };
    const changedCounts = view.summary.keys !== summary.keys || view.summary.metas !== summary.metas;
    return { diff: between(view.shown, shown), memberState: null, joinerState, summary: changedCounts ? summary : null, joinerSummary: summary };
  }

  /** Nobody on this node listens to `topic` any more: whoever comes next starts from a state. */
  forget(topic: string): void {
    this.views.delete(topic);
  }
}

function summarize(presences: TrackedPresence[]): PresenceSummary {
  const keys = new Set<string>();
  for (const presence of presences) keys.add(presence.key);
  return { keys: keys.size, metas: presences.length };
}

/** Every presence of the first `listCap` keys of `presences` (oldest first). */
function capped(presences: TrackedPresence[], listCap: number): TrackedPresence[] {
  const keys = new Set<string>();
  const shown: TrackedPresence[] = [];
  for (const presence of presences) {
    if (!keys.has(presence.key)) {
      if (keys.size >= listCap) continue;
      keys.add(presence.key);
    }
    shown.push(presence);
  }
  return shown;
}

/** The diff from one shown list to the next, by `phx_ref`; null when they are the same. */
function between(before: TrackedPresence[], after: TrackedPresence[]): PresenceDiff | null {
  const refsBefore = new Set(before.map((presence) => presence.meta.phx_ref));
  const refsAfter = new Set(after.map((presence) => presence.meta.phx_ref));
  const joins = after.filter((presence) => !refsBefore.has(presence.meta.phx_ref));
  const leaves = before.filter((presence) => !refsAfter.has(presence.meta.phx_ref));
  return joins.length === 0 && leaves.length === 0 ? null : { joins: groupByKey(joins), leaves: groupByKey(leaves) };
}
