import { ChannelsTypeError } from './channels-type.error.js';

/**
 * An impossible option, thrown at boot (or by the call that got it) with a message that names the
 * option, the value received and the fix. Still a `TypeError`; `.code` is always
 * `'CHANNELS_ERR_INVALID_OPTION'`. The value itself is not kept: it may be a secret.
 * @publicApi
 */
export class ChannelsOptionError extends ChannelsTypeError {
  declare readonly code: 'CHANNELS_ERR_INVALID_OPTION';

  constructor(
    message: string,
    /** Whose option it is: `'ChannelsModule'`, `'RedisPubSubAdapter'`, `'Presence'`... */
    readonly owner: string,
    /** Its path under the owner, e.g. `'pubsub.redis'` or `'secrets[1]'`; `''` for the owner's only argument. */
    readonly option: string,
  ) {
    super('CHANNELS_ERR_INVALID_OPTION', message);
    this.name = 'ChannelsOptionError';
  }
}
