/**
 * One tracked presence as lists and diffs show it: the meta given to `track`/`update` plus its
 * `phx_ref`, and `phx_ref_prev` (the ref it replaced) after an update.
 * @publicApi
 */
export interface PresenceMeta {
  phx_ref: string;
  phx_ref_prev?: string;
  [field: string]: unknown;
}

/** Every presence of one key (a user with two tabs has two metas); `fetch` may add fields. @publicApi */
export interface PresenceEntry {
  metas: PresenceMeta[];
  [field: string]: unknown;
}

/**
 * Presences by key, the payload of `presence_state` and each half of `presence_diff`:
 * `{ "user:1": { metas: [{ phx_ref: "…", online_at: 1700000000 }] } }`.
 * @publicApi
 */
export type Presences = Record<string, PresenceEntry>;

/** The `presence_diff` payload. @publicApi */
export interface PresenceDiff {
  joins: Presences;
  leaves: Presences;
}

/**
 * The `presence_summary` payload, sent in large-room mode (`largeRoom` of the options): how many
 * keys and metas the room has on every node, while `presence_state`/`presence_diff` carry a capped list.
 * @publicApi
 */
export interface PresenceSummary {
  keys: number;
  metas: number;
}

/**
 * Enriches presences in one batch before they are listed or sent (Phoenix's `fetch/2`): load the
 * users of every key at once instead of one query per presence. Must keep each entry's `metas`.
 * @publicApi
 */
export type PresenceFetch = (topic: string, presences: Presences) => Presences | Promise<Presences>;
