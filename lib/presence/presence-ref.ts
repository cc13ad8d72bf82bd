import { randomBytes } from 'node:crypto';

/**
 * `phx_ref` values: unique across nodes and restarts (a random prefix per tracker, then a
 * counter), and cheaper than a UUID per track.
 */
export class PresenceRefs {
  private readonly prefix = randomBytes(6).toString('base64url');
  private counter = 0;

  next(): string {
    return `${this.prefix}${(this.counter++).toString(36)}`;
  }
}
