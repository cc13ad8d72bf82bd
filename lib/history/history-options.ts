import { anObject, listOf, nonEmptyString, OptionValidator, positiveInteger } from '../options/option-validator.js';

/**
 * How a channel keeps the history of its topics, for clients that rejoin with `since` to recover
 * what they missed: `@Channel('room:*', { history: { size: 100, ttlMs: 300_000 } })`.
 * @publicApi
 */
export interface HistoryOptions {
  /** Broadcasts kept per topic, the most recent. Default: the module's `history.size`, else 100. */
  size?: number;
  /** How long a broadcast is kept, in ms. Default: the module's `history.ttlMs`, else 300 000 (5 min). */
  ttlMs?: number;
  /**
   * Events neither kept nor numbered (typing indicators...): they never fill the history, and a
   * client cannot miss them in a way recovery would notice. `presence_diff` always is (a joining
   * client gets `presence_state`). Default: none.
   */
  ephemeral?: string[];
}

/** A channel's history settings, defaults applied. */
export interface HistoryPolicy {
  readonly size: number;
  readonly ttlMs: number;
  readonly ephemeral: ReadonlySet<string>;
}

const DEFAULT_SIZE = 100;
const DEFAULT_TTL_MS = 300_000;
/** Presence resyncs with `presence_state` on every join: its diffs are never worth replaying. */
const ALWAYS_EPHEMERAL = ['presence_diff'];

const events = listOf(nonEmptyString, 'a list of event names');

/** Rejects impossible history options, naming the one at fault. */
export function checkHistoryOptions(options: unknown, check: OptionValidator): void {
  if (options === true) return;
  check.check('', options, anObject, 'Give { size?, ttlMs?, ephemeral? }, or true for the defaults.');
  const { size, ttlMs, ephemeral } = options as HistoryOptions;
  check.knownKeys('', options as object, ['size', 'ttlMs', 'ephemeral']);
  check.optional('size', size, positiveInteger, `Leave it out for the default, ${DEFAULT_SIZE}.`);
  check.optional('ttlMs', ttlMs, positiveInteger, `Leave it out for the default, ${DEFAULT_TTL_MS}.`);
  check.optional('ephemeral', ephemeral, events);
}

/** A channel's policy: its own options over the module's defaults over the library's. */
export function historyPolicy(options: HistoryOptions | true, defaults: HistoryOptions = {}): HistoryPolicy {
  const own = options === true ? {} : options;
  return {
    size: own.size ?? defaults.size ?? DEFAULT_SIZE,
    ttlMs: own.ttlMs ?? defaults.ttlMs ?? DEFAULT_TTL_MS,
    ephemeral: new Set([...ALWAYS_EPHEMERAL, ...(defaults.ephemeral ?? []), ...(own.ephemeral ?? [])]),
  };
}
