import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PresenceLists, type WirePresences } from '../clients/presence-list.js';

const entry = (...refs: string[]) => ({ metas: refs.map((ref) => ({ phx_ref: ref })) });
const state = (presences: WirePresences) => presences;
const diff = (joins: WirePresences, leaves: WirePresences = {}) => ({ joins, leaves });

describe('PresenceLists (the mass-join members, as phoenix.js Presence)', () => {
  it('applies states and diffs by key and phx_ref', () => {
    const list = new PresenceLists().list();
    list.applyState(state({ a: entry('1'), b: entry('2', '3') }));
    list.applyDiff(diff({ a: entry('4'), c: entry('5') }, { b: entry('2') }));
    assert.equal(list.size, 3);
    assert.deepEqual([list.refs('a'), list.refs('b'), list.refs('c')], [['1', '4'], ['3'], ['5']]);
    list.applyDiff(diff({}, { b: entry('3'), c: entry('9') }));
    assert.deepEqual([list.size, list.refs('b'), list.refs('c')], [2, [], ['5']]);
  });

  it('members that share a list stay apart when only some of them get a diff', () => {
    const lists = new PresenceLists();
    const [first, second, third] = [lists.list(), lists.list(), lists.list()];
    const shared = state({ a: entry('1') });
    for (const list of [first, second, third]) list.applyState(shared);
    const joinB = diff({ b: entry('2') });
    first.applyDiff(joinB);
    second.applyDiff(joinB);
    assert.deepEqual([first.size, second.size, third.size], [2, 2, 1]);
    // The first alone changes its list: the second's, and a later member's of the same frames, must not move.
    first.applyDiff(diff({}, { a: entry('1') }));
    third.applyDiff(joinB);
    assert.deepEqual([first.size, second.size, third.size], [1, 2, 2]);
    assert.deepEqual([first.refs('a'), second.refs('a'), third.refs('a')], [[], ['1'], ['1']]);
    // The second gets another diff than the one its list went on with: a list of its own, from where it was.
    second.applyDiff(diff({ c: entry('5') }));
    assert.deepEqual([second.size, second.refs('a'), second.refs('c'), first.size, first.refs('c')], [3, ['1'], ['5'], 1, []]);
  });

  it('a member starting from a state frame that others went on from reads the list at its own place', () => {
    const lists = new PresenceLists();
    const shared = state({ a: entry('1') });
    const only = lists.list();
    only.applyState(shared);
    only.applyDiff(diff({ b: entry('2') }));
    const later = lists.list();
    later.applyState(shared);
    assert.deepEqual([only.size, later.size], [2, 1]);
    const joinC = diff({ c: entry('3') });
    later.applyDiff(joinC);
    later.applyDiff(diff({ d: entry('4') }));
    const last = lists.list();
    last.applyState(shared);
    last.applyDiff(joinC);
    assert.deepEqual([later.size, last.size], [3, 2]);
  });
});
