import type { Presences } from '../../lib/index.js';
import { resolvePresenceOptions } from '../../lib/presence/presence-options.js';

it('defaults to the periods of Phoenix.Tracker and a node name unique to this process', () => {
  const resolved = resolvePresenceOptions();
  expect(resolved).toMatchObject({ broadcastPeriodMs: 1500, downPeriodMs: 30_000, deltaBatchMs: 20 });
  expect(resolved.nodeName).toContain(String(process.pid));
  expect(resolvePresenceOptions().nodeName).not.toBe(resolved.nodeName);
});

it('keeps what is given and ignores undefined fields', () => {
  const fetch = (_topic: string, presences: Presences) => presences;
  expect(resolvePresenceOptions({ broadcastPeriodMs: 100, downPeriodMs: 1000, deltaBatchMs: undefined, nodeName: 'a', fetch })).toEqual({
    broadcastPeriodMs: 100,
    downPeriodMs: 1000,
    deltaBatchMs: 20,
    nodeName: 'a',
    fetch,
  });
  expect(resolvePresenceOptions({ nodeName: undefined }).nodeName).toEqual(expect.any(String));
});

it.each([
  [{ broadcastPeriodMs: 0 }, 'Presence option "broadcastPeriodMs" must be an integer of at least 1, got 0'],
  [{ downPeriodMs: 1.5 }, 'Presence option "downPeriodMs" must be an integer of at least 1, got 1.5'],
  [{ deltaBatchMs: -1 }, 'Presence option "deltaBatchMs" must be an integer of at least 0, got -1'],
  [{ broadcastPeriodMs: 1000, downPeriodMs: 1999 }, 'Presence option "downPeriodMs" must be at least twice broadcastPeriodMs (2000), got 1999'],
  [{ nodeName: '' }, 'Presence option "nodeName" must be a non-empty string, got ""'],
  [{ fetch: 'users' }, 'Presence option "fetch" must be a function (topic, presences) => presences, got string'],
])('rejects %j at boot, naming the option', (options, message) => {
  expect(() => resolvePresenceOptions(options as never)).toThrow(new TypeError(message));
});
