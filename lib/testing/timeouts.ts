/** Options of `ChannelsTestHarness.create()`. @publicApi */
export interface ChannelsTestOptions {
  /**
   * How long `assert*` and `subscribeAndJoin` wait before failing, in ms. A match ends the wait at
   * once, so a generous value costs nothing in passing tests. Default 1000.
   */
  assertTimeoutMs?: number;
  /** How long `refute*` watch before passing, in ms: every refutation costs this much. Default 100. */
  refuteTimeoutMs?: number;
}

/** Default waits, resolved from `ChannelsTestOptions`. */
export interface Timeouts {
  readonly assert: number;
  readonly refute: number;
}

export function resolveTimeouts(options: ChannelsTestOptions): Timeouts {
  const timeouts = { assert: options.assertTimeoutMs ?? 1000, refute: options.refuteTimeoutMs ?? 100 };
  for (const [name, value] of Object.entries({ assertTimeoutMs: timeouts.assert, refuteTimeoutMs: timeouts.refute })) {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(`ChannelsTestHarness option "${name}" must be a number >= 0, got ${String(value)}`);
    }
  }
  return timeouts;
}
