/** A presence entry on the wire: its metas, each with its `phx_ref`. */
export interface WireEntry {
  metas: Array<{ phx_ref: string }>;
}
export type WirePresences = Record<string, WireEntry>;
export interface WireDiff {
  joins: WirePresences;
  leaves: WirePresences;
}

type Refs = Map<string, string | Set<string>>;

/**
 * A state frame and the diffs applied after it, in order, to one list: every member whose frames
 * were those, up to some point of the log, reads its list from here.
 */
class History {
  /** The diffs after the state (parsed frames), and the list's size after each prefix of them. */
  readonly log: WireDiff[] = [];
  readonly sizes: number[];

  constructor(
    /** The list after the whole log. */
    readonly refs: Refs,
    /** The list before the log (a new Map): from the state, or from where this one forked. */
    private readonly base: () => Refs,
  ) {
    this.sizes = [refs.size];
  }

  /** The list after the first `position` diffs of the log (not to be changed). */
  at(position: number): Refs {
    if (position === this.log.length) return this.refs;
    const refs = this.base();
    for (const diff of this.log.slice(0, position)) apply(refs, diff);
    return refs;
  }

  append(diff: WireDiff): void {
    apply(this.refs, diff);
    this.log.push(diff);
    this.sizes.push(this.refs.size);
  }
}

/**
 * The members' lists, kept as phoenix.js `Presence` keeps them: a state replaces a list, a diff
 * adds the joined metas and drops the left ones by `phx_ref`, and a key without metas is gone.
 * One process plays thousands of browsers, and a room's state and diffs are the same frames for
 * all of them: members with the same state frame share one list, which the first of them to get
 * a diff changes, the others then only moving their place in its log. A member whose next diff is
 * not the log's gets a list of its own. Otherwise the members' own Map inserts (N x N at a mass
 * join) would be what the bench measures, not the server.
 */
export class PresenceLists {
  private readonly histories = new WeakMap<WirePresences, History>();
  private readonly empty = new History(new Map(), () => new Map());
  /** Members that left a shared list for one of their own (their diffs differed). */
  forks = 0;

  /** A member's list, starting empty. */
  list(): PresenceList {
    return new PresenceList(this, this.empty);
  }

  /** The shared history of a state frame. */
  ofState(state: WirePresences): History {
    let history = this.histories.get(state);
    if (!history) {
      const build = () => {
        const refs: Refs = new Map();
        for (const key in state) join(refs, key, state[key]!.metas);
        return refs;
      };
      this.histories.set(state, (history = new History(build(), build)));
    }
    return history;
  }

  /** A history of its own for a member at `position` of `history`, whose next diff is not the log's. */
  fork(history: History, position: number): History {
    this.forks++;
    return new History(history.at(position), () => history.at(position));
  }
}

/** One member's list: a place in a history. */
export class PresenceList {
  private position = 0;

  constructor(
    private readonly lists: PresenceLists,
    private history: History,
  ) {}

  get size(): number {
    return this.history.sizes[this.position]!;
  }

  /** The key's refs (for tests). */
  refs(key: string): string[] {
    const held = this.history.at(this.position).get(key);
    return held === undefined ? [] : typeof held === 'string' ? [held] : [...held];
  }

  applyState(state: WirePresences): void {
    this.history = this.lists.ofState(state);
    this.position = 0;
  }

  applyDiff(diff: WireDiff): void {
    const { log } = this.history;
    if (this.position < log.length && log[this.position] !== diff) {
      this.history = this.lists.fork(this.history, this.position);
      this.position = 0;
    }
    if (this.position === this.history.log.length) this.history.append(diff);
    this.position++;
  }
}

function apply(refs: Refs, diff: WireDiff): void {
  for (const key in diff.joins) join(refs, key, diff.joins[key]!.metas);
  for (const key in diff.leaves) leave(refs, key, diff.leaves[key]!.metas);
}

/** A key with one ref holds the string, not a Set: the common case, and far less to collect. */
function join(refs: Refs, key: string, metas: WireEntry['metas']): void {
  for (const { phx_ref: ref } of metas) {
    const held = refs.get(key);
    if (held === undefined) refs.set(key, ref);
    else if (typeof held === 'string') {
      if (held !== ref) refs.set(key, new Set([held, ref]));
    } else held.add(ref);
  }
}

function leave(refs: Refs, key: string, metas: WireEntry['metas']): void {
  for (const { phx_ref: ref } of metas) {
    const held = refs.get(key);
    if (held === undefined) return;
    if (typeof held === 'string') {
      if (held === ref) refs.delete(key);
    } else if (held.delete(ref) && held.size === 0) refs.delete(key);
  }
}
