import type { TrackedPresence } from '../../lib/presence/tracked-presence.js';
import { TrackerState, type LocalDelta } from '../../lib/presence/tracker-state.js';

let refs = 0;
function presence(topic: string, key: string, fields: Record<string, unknown> = {}): TrackedPresence {
  return { topic, key, meta: { ...fields, phx_ref: `ref${refs++}` } };
}

const refsOf = (presences: readonly TrackedPresence[]) => presences.map((p) => p.meta.phx_ref).sort();

/** Applies `delta` of replica `name` to `copy`, as a receiving node does. */
function apply(copy: TrackerState, name: string, delta: LocalDelta | null) {
  if (!delta) throw new Error('expected a delta');
  return copy.mergeDelta(name, delta.joins, delta.leaves);
}

describe('local presences', () => {
  it('lists the presences of a topic only, oldest first', () => {
    const state = new TrackerState('a');
    const ann = presence('room:1', 'ann');
    const bob = presence('room:1', 'bob');
    state.join('chan1', ann);
    state.join('chan2', presence('room:2', 'cat'));
    state.join('chan3', bob);
    expect(state.list('room:1')).toEqual([ann, bob]);
    expect(state.list('room:3')).toEqual([]);
  });

  it('refuses a second presence of one channel under the same topic and key', () => {
    const state = new TrackerState('a');
    state.join('chan1', presence('room:1', 'ann'));
    expect(() => state.join('chan1', presence('room:1', 'ann'))).toThrow(
      expect.objectContaining({ code: 'CHANNELS_ERR_PRESENCE_ALREADY_TRACKED', message: expect.stringContaining('"ann" is already tracked by this channel on "room:1"') }),
    );
    state.join('chan2', presence('room:1', 'ann'));
    expect(state.list('room:1')).toHaveLength(2);
  });

  it('removes one presence, or every presence of a channel', () => {
    const state = new TrackerState('a');
    const ann = presence('room:1', 'ann');
    state.join('chan1', ann);
    state.join('chan1', presence('room:2', 'ann'));
    state.join('chan2', presence('room:1', 'bob'));
    expect(state.leave('chan1', 'room:1', 'ann')).toBe(ann);
    expect(state.leave('chan1', 'room:1', 'ann')).toBeNull();
    expect(state.leaveOwner('chan1').map((p) => p.topic)).toEqual(['room:2']);
    expect(state.owns('chan1')).toBe(false);
    expect(state.list('room:1').map((p) => p.key)).toEqual(['bob']);
    expect(state.list('room:2')).toEqual([]);
  });
});

describe('deltas', () => {
  it('hands over changes since the last delta and bumps the version once per delta', () => {
    const state = new TrackerState('a');
    expect(state.takeDelta()).toBeNull();
    const ann = presence('room:1', 'ann');
    state.join('chan1', ann);
    expect(state.takeDelta()).toEqual({ clock: 1, joins: [ann], leaves: [] });
    expect(state.takeDelta()).toBeNull();
    state.leave('chan1', 'room:1', 'ann');
    expect(state.takeDelta()).toEqual({ clock: 2, joins: [], leaves: [ann.meta.phx_ref] });
    expect(state.clock).toBe(2);
  });

  it('sends nothing for a presence that joined and left between two deltas', () => {
    const state = new TrackerState('a');
    state.join('chan1', presence('room:1', 'ann'));
    state.leaveOwner('chan1');
    expect(state.hasPendingDelta).toBe(false);
    expect(state.takeDelta()).toBeNull();
  });

  it('a copy that applies every delta in order holds exactly the owner\'s presences', () => {
    const owner = new TrackerState('a');
    const copy = new TrackerState('b');
    const live: string[] = [];
    let seed = 7;
    const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
    for (let step = 0; step < 2000; step++) {
      if (live.length === 0 || random(3) > 0) {
        const channel = `chan${step}`;
        owner.join(channel, presence(`room:${random(5)}`, `user${random(50)}`));
        live.push(channel);
      } else {
        owner.leaveOwner(live.splice(random(live.length), 1)[0]!);
      }
      if (random(10) === 0 && owner.hasPendingDelta) apply(copy, 'a', owner.takeDelta());
    }
    if (owner.hasPendingDelta) apply(copy, 'a', owner.takeDelta());
    for (let room = 0; room < 5; room++) {
      expect(refsOf(copy.list(`room:${room}`))).toEqual(refsOf(owner.list(`room:${room}`)));
    }
    expect(refsOf(copy.list('room:0').concat(copy.list('room:1')))).not.toEqual([]);
  });
});

describe('remote replicas', () => {
  it('merges a delta into the topic lists and reports what joined and left', () => {
    const state = new TrackerState('b');
    const ann = presence('room:1', 'ann');
    const bob = presence('room:1', 'bob');
    expect(state.mergeDelta('a', [ann, bob], [])).toEqual({ joins: [ann, bob], leaves: [] });
    expect(state.mergeDelta('a', [], [ann.meta.phx_ref])).toEqual({ joins: [], leaves: [ann] });
    expect(state.list('room:1')).toEqual([bob]);
  });

  it('ignores joins it already holds and leaves of presences it does not hold', () => {
    const state = new TrackerState('b');
    const ann = presence('room:1', 'ann');
    state.mergeDelta('a', [ann], []);
    expect(state.mergeDelta('a', [ann], ['unknown-ref'])).toEqual({ joins: [], leaves: [] });
    expect(state.list('room:1')).toEqual([ann]);
  });

  it('replaces a replica with its whole state, reporting only the differences', () => {
    const state = new TrackerState('b');
    const ann = presence('room:1', 'ann');
    const bob = presence('room:1', 'bob');
    const cat = presence('room:2', 'cat');
    state.mergeDelta('a', [ann, bob], []);
    expect(state.replaceReplica('a', [bob, cat])).toEqual({ joins: [cat], leaves: [ann] });
    expect(state.list('room:1')).toEqual([bob]);
    expect(state.list('room:2')).toEqual([cat]);
  });

  it('takes a returning replica back without duplicates', () => {
    const state = new TrackerState('b');
    const ann = presence('room:1', 'ann');
    state.mergeDelta('a', [ann], []);
    expect(state.replaceReplica('a', [ann])).toEqual({ joins: [], leaves: [] });
    expect(state.dropReplica('a')).toEqual([ann]);
    expect(state.list('room:1')).toEqual([]);
    expect(state.replaceReplica('a', [ann])).toEqual({ joins: [ann], leaves: [] });
    expect(state.list('room:1')).toEqual([ann]);
  });

  it('drops a down replica without touching the others or its own presences', () => {
    const state = new TrackerState('b');
    const own = presence('room:1', 'own');
    const fromA = presence('room:1', 'ann');
    const fromC = presence('room:1', 'cat');
    state.join('chan1', own);
    state.mergeDelta('a', [fromA], []);
    state.mergeDelta('c', [fromC], []);
    expect(state.remoteReplicas().sort()).toEqual(['a', 'c']);
    expect(state.dropReplica('a')).toEqual([fromA]);
    expect(state.dropReplica('b')).toEqual([]);
    expect(state.list('room:1')).toEqual([own, fromC]);
    expect(state.remoteReplicas()).toEqual(['c']);
  });
});
