import { recoveryReply, recoveryRequest, replayOrder, withRecovery } from '../../lib/history/join-recovery.js';

const at = (offset: number, epoch = 'e') => ({ topic: 't', event: 'said', payload: offset, position: { epoch, offset } });

describe('join recovery', () => {
  test('reads since from the join params; a malformed one is still asked for', () => {
    expect(recoveryRequest({ since: 'e:3' })).toEqual({ since: { epoch: 'e', offset: 3 }, asked: true });
    expect(recoveryRequest({ since: 'nope' })).toEqual({ since: null, asked: true });
    expect(recoveryRequest({})).toEqual({ since: null, asked: false });
    expect(recoveryRequest(null)).toEqual({ since: null, asked: false });
  });

  test('the reply: position always, recovered when asked (false for a malformed since)', () => {
    const recovery = { position: { epoch: 'e', offset: 5 }, recovered: true, messages: [] };
    expect(recoveryReply(recovery, { since: null, asked: false })).toEqual({ position: 'e:5' });
    expect(recoveryReply(recovery, { since: { epoch: 'e', offset: 4 }, asked: true })).toEqual({ position: 'e:5', recovered: true });
    expect(recoveryReply(recovery, { since: null, asked: true })).toEqual({ position: 'e:5', recovered: false });
    expect(recoveryReply(null, { since: { epoch: 'e', offset: 4 }, asked: true })).toEqual({ recovered: false });
  });

  test('merges into an object response only', () => {
    expect(withRecovery(undefined, { position: 'e:1' })).toEqual({ response: { recovery: { position: 'e:1' } }, merged: true });
    expect(withRecovery({ a: 1 }, { position: 'e:1' })).toEqual({ response: { a: 1, recovery: { position: 'e:1' } }, merged: true });
    for (const other of [['x'], 'text', Buffer.from('x'), null]) expect(withRecovery(other, {}).merged).toBe(false);
  });

  test('replays the recovered, then the held live ones past the position, ephemeral ones kept in order', () => {
    const recovery = { position: { epoch: 'e', offset: 3 }, recovered: true, messages: [at(2), at(3)] };
    const typing = { topic: 't', event: 'typing', payload: 'x' };
    const held = [at(3), typing, at(4), at(2, 'other')];
    expect(replayOrder(recovery, held)).toEqual([at(2), at(3), typing, at(4), at(2, 'other')]);
    expect(replayOrder(null, held)).toEqual(held);
  });
});
