/**
 * Thrown from a channel handler to answer the client with an error reply
 * `{"reason": reason, ...details}` (Phoenix's `{:error, %{reason: ...}}`). The channel keeps running.
 * @publicApi
 */
export class ChannelException extends Error {
  readonly response: { reason: string } & Record<string, unknown>;

  constructor(reason: string, details: Record<string, unknown> = {}) {
    super(reason);
    this.name = 'ChannelException';
    this.response = { ...details, reason };
  }
}
