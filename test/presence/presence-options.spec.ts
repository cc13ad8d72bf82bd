import type { Presences } from '../../lib/index.js';
import { resolvePresenceOptions } from '../../lib/presence/presence-options.js';
import { OptionValidator } from '../../lib/options/option-validator.js';
import { expectOptionError } from '../support/thrown.js';

it('defaults to the periods of Phoenix.Tracker and a node name unique to this process', () => {
  const resolved = resolvePresenceOptions();
  expect(resolved).toMatchObject({ broadcastPeriodMs: 1500, downPeriodMs: 30_000, deltaBatchMs: 20, diffWindowMs: 30 });
  expect(resolved.nodeName).toContain(String(process.pid));
  expect(resolvePresenceOptions().nodeName).not.toBe(resolved.nodeName);
});

it('keeps what is given and ignores undefined fields', () => {
  const fetch = (_topic: string, presences: Presences) => presences;
  expect(resolvePresenceOptions({ broadcastPeriodMs: 100, downPeriodMs: 1000, deltaBatchMs: undefined, nodeName: 'a', fetch })).toEqual({
    broadcastPeriodMs: 100,
    downPeriodMs: 1000,
    deltaBatchMs: 20,
    diffWindowMs: 30,
    nodeName: 'a',
    fetch,
  });
  expect(resolvePresenceOptions({ nodeName: undefined }).nodeName).toEqual(expect.any(String));
});

it.each([
  [{ broadcastPeriodMs: 0 }, 'Presence option "broadcastPeriodMs" must be a positive integer, got 0. Leave it out for the default, 1500.'],
  [{ downPeriodMs: 1.5 }, 'Presence option "downPeriodMs" must be a positive integer, got 1.5. Leave it out for the default, 30000.'],
  [{ deltaBatchMs: -1 }, 'Presence option "deltaBatchMs" must be an integer >= 0, got -1. Leave it out for the default, 20.'],
  [{ diffWindowMs: 2.5 }, 'Presence option "diffWindowMs" must be an integer >= 0, got 2.5. Leave it out for the default, 30, or give 0 for a diff per change.'],
  [
    { broadcastPeriodMs: 1000, downPeriodMs: 1999 },
    'Presence option "downPeriodMs" must be at least twice broadcastPeriodMs (2000), got 1999. A node is declared down only after missing a few heartbeats: raise downPeriodMs or lower broadcastPeriodMs.',
  ],
  [{ largeRoom: { above: 0 } }, 'Presence option "largeRoom.above" must be a positive integer, got 0. For example 1000.'],
  [{ largeRoom: { above: 10, listCap: -1 } }, 'Presence option "largeRoom.listCap" must be an integer >= 0, got -1. Leave it out for the default, 100.'],
  [
    { largeRoom: { above: 10 }, diffWindowMs: 0 },
    'Presence option "largeRoom" needs diffWindowMs > 0, got { above: 10 }. Large rooms are summed up once per diff window: leave diffWindowMs out or above 0.',
  ],
  [{ nodeName: '' }, 'Presence option "nodeName" must be a non-empty string, got "". Leave it out for a name unique to this process.'],
  [{ fetch: 'users' }, 'Presence option "fetch" must be a function (topic, presences) => presences, got "users".'],
])('rejects %j at boot, naming the option', (options, message) => {
  const error = expectOptionError(() => resolvePresenceOptions(options as never), message);
  expect(error.message).toBe(message);
});

it('names the option under ChannelsModule when given there', () => {
  expectOptionError(
    () => resolvePresenceOptions({ deltaBatchMs: -1 }, new OptionValidator('ChannelsModule').at('presence')),
    'ChannelsModule option "presence.deltaBatchMs" must be an integer >= 0, got -1.',
  );
});

it('gives largeRoom its default list cap', () => {
  expect(resolvePresenceOptions({ largeRoom: { above: 1000 } }).largeRoom).toEqual({ above: 1000, listCap: 100 });
  expect(resolvePresenceOptions().largeRoom).toBeUndefined();
});
