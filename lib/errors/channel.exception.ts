import { IntrinsicException } from '@nestjs/common';

/**
 * Thrown from a channel handler to answer the client with an error reply
 * `{"reason": reason, ...details}` (Phoenix's `{:error, %{reason: ...}}`). The channel keeps running.
 * An expected answer, not a fault: Nest's exception handler does not log it (`IntrinsicException`).
 * @publicApi
 */
export class ChannelException extends IntrinsicException {
  readonly response: { reason: string } & Record<string, unknown>;

  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(reason);
    this.name = 'ChannelException';
    this.response = { ...details, reason };
  }
}
