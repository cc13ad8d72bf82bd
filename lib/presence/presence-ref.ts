/**
 * `phx_ref` values: unique across nodes and restarts (the node id, new at every start, then a
 * counter), and cheaper than a UUID per track.
 */
export class PresenceRefs {
  private counter = 0;

  constructor(private readonly prefix: string) {}

  next(): string {
    return `${this.prefix}${(this.counter++).toString(36)}`;
  }
}
