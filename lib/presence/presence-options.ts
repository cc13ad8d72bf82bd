import { hostname } from 'node:os';
import { randomNodeId } from '../node-identity.js';
import { aFunction, anObject, integerAtLeast, nonEmptyString, OptionValidator, positiveInteger } from '../options/option-validator.js';
import type { PresenceFetch } from './presence.types.js';

/**
 * Injection token of the `Presence` options. Provide it in any module of the app to change the
 * defaults: `{ provide: PRESENCE_OPTIONS, useValue: { downPeriodMs: 10_000 } }`, or `useFactory`
 * with `inject` when `fetch` needs services.
 * @publicApi
 */
export const PRESENCE_OPTIONS = Symbol('nestjs-channels:presence-options');

/** Options of `Presence`; every field has a default. @publicApi */
export interface PresenceOptions {
  /**
   * How often this node tells the others it is alive, in ms, when it had no change to send in
   * that period (Phoenix's `broadcast_period`). Default 1500.
   */
  broadcastPeriodMs?: number;
  /**
   * A node not heard from for this long (killed, cut off) is declared down and all its presences
   * leave, with `presence_diff` leaves to clients (Phoenix's `down_period`). At least twice
   * `broadcastPeriodMs`. Default 30 000.
   */
  downPeriodMs?: number;
  /** Changes made within this many ms travel to the other nodes in one delta. Default 20. */
  deltaBatchMs?: number;
  /**
   * A topic's changes within this many ms (local or from other nodes) reach its clients as one
   * `presence_diff`, encoded once for all of them, and the clients that join meanwhile share one
   * `presence_state` at the window's end: a mass join costs one diff per member per window
   * instead of one per join. 0 sends a diff per change and the state at once (Phoenix's way).
   * Default 30.
   */
  diffWindowMs?: number;
  /**
   * Large-room mode, off by default: above `above` keys, a room's clients get the first `listCap`
   * keys (default 100; 0 for counts alone) through `presence_state`/`presence_diff`, and the exact
   * counts as `presence_summary` `{ keys, metas }`; back under 90% of `above`, the whole list again.
   * Needs `diffWindowMs` > 0.
   */
  largeRoom?: LargeRoomOptions;
  /**
   * This node's name among the presence replicas: unique per running node. A node restarted
   * under the same name replaces its previous run at once instead of after `downPeriodMs`.
   * Default: host name, process id and a random suffix.
   */
  nodeName?: string;
  /** Enriches presences in one batch before every list and diff (Phoenix's `fetch/2`). */
  fetch?: PresenceFetch;
}

/** `PresenceOptions.largeRoom`. @publicApi */
export interface LargeRoomOptions {
  /** Rooms with more keys than this go to large-room mode. */
  above: number;
  /** Keys listed in large-room mode. Default 100. */
  listCap?: number;
}

/** Options with every default applied. */
export type ResolvedPresenceOptions = Required<Omit<PresenceOptions, 'fetch' | 'largeRoom'>> &
  Pick<PresenceOptions, 'fetch'> & { largeRoom?: Required<LargeRoomOptions> };

const presenceFetch = aFunction('a function (topic, presences) => presences');

/**
 * Applies the defaults and rejects impossible options at boot, naming the one at fault: as
 * `Presence option "..."`, or through `check` as `ChannelsModule option "presence. ..."`.
 */
export function resolvePresenceOptions(
  options: PresenceOptions = {},
  check = new OptionValidator('Presence'),
  nodeId = randomNodeId(),
): ResolvedPresenceOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: ResolvedPresenceOptions = {
    broadcastPeriodMs: 1500,
    downPeriodMs: 30_000,
    deltaBatchMs: 20,
    diffWindowMs: 30,
    nodeName: `${hostname()}/${process.pid}/${nodeId}`,
    ...defined,
  };
  check.check('broadcastPeriodMs', resolved.broadcastPeriodMs, positiveInteger, 'Leave it out for the default, 1500.');
  check.check('downPeriodMs', resolved.downPeriodMs, positiveInteger, 'Leave it out for the default, 30000.');
  check.check('deltaBatchMs', resolved.deltaBatchMs, integerAtLeast(0), 'Leave it out for the default, 20.');
  check.check('diffWindowMs', resolved.diffWindowMs, integerAtLeast(0), 'Leave it out for the default, 30, or give 0 for a diff per change.');
  if (resolved.downPeriodMs < 2 * resolved.broadcastPeriodMs) {
    check.fail(
      'downPeriodMs',
      `must be at least twice broadcastPeriodMs (${2 * resolved.broadcastPeriodMs})`,
      resolved.downPeriodMs,
      'A node is declared down only after missing a few heartbeats: raise downPeriodMs or lower broadcastPeriodMs.',
    );
  }
  if (resolved.largeRoom !== undefined) {
    check.check('largeRoom', resolved.largeRoom, anObject, 'For example { above: 1000, listCap: 100 }.');
    const largeRoom = { above: resolved.largeRoom.above, listCap: resolved.largeRoom.listCap ?? 100 };
    check.check('largeRoom.above', largeRoom.above, positiveInteger, 'For example 1000.');
    check.check('largeRoom.listCap', largeRoom.listCap, integerAtLeast(0), 'Leave it out for the default, 100.');
    if (resolved.diffWindowMs === 0) {
      check.fail('largeRoom', 'needs diffWindowMs > 0', resolved.largeRoom, 'Large rooms are summed up once per diff window: leave diffWindowMs out or above 0.');
    }
    resolved.largeRoom = largeRoom;
  }
  check.check('nodeName', resolved.nodeName, nonEmptyString, 'Leave it out for a name unique to this process.');
  check.optional('fetch', resolved.fetch, presenceFetch);
  return resolved;
}
