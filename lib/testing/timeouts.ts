import { numberAtLeast, OptionValidator } from '../options/option-validator.js';

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
  const check = new OptionValidator('ChannelsTestHarness');
  return {
    assert: check.check('assertTimeoutMs', options.assertTimeoutMs ?? 1000, numberAtLeast(0), 'Leave it out for the default, 1000.'),
    refute: check.check('refuteTimeoutMs', options.refuteTimeoutMs ?? 100, numberAtLeast(0), 'Leave it out for the default, 100.'),
  };
}
