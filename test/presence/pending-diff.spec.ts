import { Presence as PhoenixPresence } from 'phoenix';
import { PendingDiff } from '../../lib/presence/pending-diff.js';
import { groupByKey } from '../../lib/presence/presence-grouping.js';
import type { PresenceDiff } from '../../lib/presence/presence.types.js';
import type { PresenceChanges, TrackedPresence } from '../../lib/presence/tracked-presence.js';

type ClientState = Record<string, { metas: Array<Record<string, unknown>> }>;

const TOPIC = 'room:1';
let refs = 0;
const presence = (key: string, fields: Record<string, unknown> = {}): TrackedPresence => ({ topic: TOPIC, key, meta: { ...fields, phx_ref: `r${refs++}` } });
const updated = (previous: TrackedPresence, fields: Record<string, unknown>): TrackedPresence => ({
  topic: TOPIC,
  key: previous.key,
  meta: { ...fields, phx_ref: `r${refs++}`, phx_ref_prev: previous.meta.phx_ref },
});
const join = (...joins: TrackedPresence[]): PresenceChanges => ({ joins, leaves: [] });
const leave = (...leaves: TrackedPresence[]): PresenceChanges => ({ joins: [], leaves });
const update = (from: TrackedPresence, to: TrackedPresence): PresenceChanges => ({ joins: [to], leaves: [from] });

/** What phoenix.js `Presence` holds after each change was sent as its own diff, as Phoenix does. */
function separately(initial: ClientState, changes: PresenceChanges[]): ClientState {
  let state = structuredClone(initial);
  for (const changed of changes) state = PhoenixPresence.syncDiff(state, toDiff(changed)) as ClientState;
  return state;
}

/** What it holds after the same changes went through diff windows, and how many diffs it got. */
function coalesced(initial: ClientState, changes: PresenceChanges[]): { state: ClientState; diffs: number } {
  let state = structuredClone(initial);
  let diffs = 0;
  let pending = new PendingDiff();
  const send = () => {
    const diff = pending.toDiff();
    if (diff) {
      state = PhoenixPresence.syncDiff(state, structuredClone(diff)) as ClientState;
      diffs++;
    }
    pending = new PendingDiff();
  };
  for (const changed of changes) {
    if (!pending.canTake(changed)) send();
    pending.take(changed);
  }
  send();
  return { state, diffs };
}

const toDiff = (changes: PresenceChanges): PresenceDiff => ({ joins: groupByKey(changes.joins), leaves: groupByKey(changes.leaves) });
const stateOf = (...presences: TrackedPresence[]): ClientState => structuredClone(groupByKey(presences)) as ClientState;

describe('one coalesced presence_diff, applied by phoenix.js Presence, ends as the separate diffs do', () => {
  it('joins and leaves of the same key within one window', () => {
    const ann = presence('ann', { tab: 1 });
    const bob = presence('bob');
    const annAgain = presence('ann', { tab: 2 });
    const changes = [join(bob), leave(ann), join(annAgain), leave(bob)];
    const result = coalesced(stateOf(ann), changes);
    expect(result.state).toEqual(separately(stateOf(ann), changes));
    expect(result.state).toEqual(stateOf(annAgain));
    expect(result.diffs).toBe(1);
  });

  it('a meta updated twice: the last meta, with the ref in between as phx_ref_prev', () => {
    const first = presence('ann', { status: 'here' });
    const second = updated(first, { status: 'away' });
    const third = updated(second, { status: 'busy' });
    const changes = [update(first, second), update(second, third)];
    const result = coalesced(stateOf(first), changes);
    expect(result.state).toEqual(separately(stateOf(first), changes));
    expect(result.state.ann!.metas).toEqual([{ status: 'busy', phx_ref: third.meta.phx_ref, phx_ref_prev: second.meta.phx_ref }]);
    expect(result.diffs).toBe(1);
  });

  it('a presence that leaves before its join reached anyone cancels out: no diff at all', () => {
    const ghost = presence('ghost');
    const result = coalesced(stateOf(), [join(ghost), leave(ghost)]);
    expect(result).toEqual({ state: {}, diffs: 0 });
  });

  it('a key on two tabs, one updated and one closed, keeps the metas in the same order', () => {
    const laptop = presence('ann', { device: 'laptop' });
    const phone = presence('ann', { device: 'phone' });
    const tablet = presence('ann', { device: 'tablet' });
    const away = updated(laptop, { device: 'laptop', status: 'away' });
    const changes = [join(tablet), update(laptop, away), leave(phone)];
    const result = coalesced(stateOf(laptop, phone), changes);
    expect(result.state).toEqual(separately(stateOf(laptop, phone), changes));
    expect(result.state.ann!.metas.map((meta) => meta.phx_ref)).toEqual([tablet.meta.phx_ref, away.meta.phx_ref]);
  });

  it('a ref that left and joins again (a replica back from down) closes the window first, to keep its meta last', () => {
    const ann = presence('ann', { device: 'laptop' });
    const remote = presence('ann', { device: 'phone' });
    const changes = [leave(remote), join(remote)];
    const pending = new PendingDiff();
    pending.take(changes[0]!);
    expect(pending.canTake(changes[1]!)).toBe(false);
    const result = coalesced(stateOf(remote, ann), changes);
    expect(result.state).toEqual(separately(stateOf(remote, ann), changes));
    expect(result.diffs).toBe(2);
  });

  it('holds for 2,000 random sequences of tracks, updates, untracks, replicas down and back', () => {
    // mulberry32: seeded, so a failure replays.
    let seed = 42;
    const random = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % n);
    };
    for (let run = 0; run < 2000; run++) {
      const present: TrackedPresence[] = [];
      for (let i = random(4); i > 0; i--) present.push(presence(`k${random(3)}`, { n: i }));
      const initial = stateOf(...present);
      const gone: TrackedPresence[] = [];
      const changes: PresenceChanges[] = [];
      for (let step = 1 + random(8); step > 0; step--) {
        const kind = random(5);
        if (kind === 0 || present.length === 0) {
          const joined = presence(`k${random(3)}`, { step });
          present.push(joined);
          changes.push(join(joined));
        } else if (kind === 1) {
          const [left] = present.splice(random(present.length), 1);
          gone.push(left!);
          changes.push(leave(left!));
        } else if (kind === 2 && gone.length > 0) {
          const [back] = gone.splice(random(gone.length), 1);
          present.push(back!);
          changes.push(join(back!));
        } else {
          const index = random(present.length);
          const next = updated(present[index]!, { step });
          changes.push(update(present[index]!, next));
          present.splice(index, 1);
          present.push(next);
        }
      }
      const expected = separately(initial, changes);
      const result = coalesced(initial, changes);
      if (JSON.stringify(sorted(result.state)) !== JSON.stringify(sorted(expected))) {
        throw new Error(`run ${run}: ${JSON.stringify(changes)}\n got ${JSON.stringify(result.state)}\n want ${JSON.stringify(expected)}`);
      }
    }
  });
});

/** Keys in one order (phoenix.js keeps no order among keys that anyone relies on); metas as they are. */
function sorted(state: ClientState): Array<[string, unknown]> {
  return Object.entries(state).sort(([a], [b]) => a.localeCompare(b));
}
