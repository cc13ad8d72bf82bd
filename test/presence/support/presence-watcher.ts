import { Presence as PhoenixPresence, type Channel as PhoenixChannel } from 'phoenix';

export interface PresenceEvent {
  kind: 'join' | 'leave';
  key: string;
  /** Refs of the metas that joined or left. */
  refs: string[];
  /** For a leave, how many metas the key has left. */
  remaining?: number;
}

/**
 * The official client's `Presence` on a channel, recording its callbacks. Create it before the
 * channel joins, as apps do, so that `presence_state` is not missed.
 */
export class PresenceWatcher {
  readonly presence: PhoenixPresence;
  readonly events: PresenceEvent[] = [];
  syncs = 0;

  constructor(readonly channel: PhoenixChannel) {
    this.presence = new PhoenixPresence(channel);
    this.presence.onJoin((key, _current, joined) => {
      this.events.push({ kind: 'join', key: key!, refs: joined.metas.map((m: any) => m.phx_ref) });
    });
    this.presence.onLeave((key, current, left) => {
      this.events.push({ kind: 'leave', key: key!, refs: left.metas.map((m: any) => m.phx_ref), remaining: current.metas.length });
    });
    this.presence.onSync(() => {
      this.syncs++;
    });
  }

  /** `{ key: metas }` as the client sees it. */
  state(): Record<string, any[]> {
    const state: Record<string, any[]> = Object.create(null); // a key may be __proto__
    this.presence.list((key: string, presence: any) => (state[key] = presence.metas));
    return state;
  }

  /** The client's keys, sorted. */
  keys(): string[] {
    return Object.keys(this.state()).sort();
  }

  /** `key -> number of metas`, to compare lists without refs. */
  counts(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.state()).map(([key, metas]) => [key, metas.length]));
  }

  eventsOf(kind: PresenceEvent['kind'], key: string): PresenceEvent[] {
    return this.events.filter((event) => event.kind === kind && event.key === key);
  }
}
