import type { PresenceDiff, Presences } from './presence.types.js';
import type { PresenceChanges, TrackedPresence } from './tracked-presence.js';

/**
 * `{ key: { metas } }` with a copy of every meta, so that a `fetch` that edits what it is given
 * cannot reach the tracker's state. Keys are chosen by the app (user names...), so the object has
 * no prototype: a key such as `__proto__` is a key like any other.
 */
export function groupByKey(presences: Iterable<TrackedPresence>): Presences {
  const grouped: Presences = Object.create(null);
  for (const { key, meta } of presences) {
    const entry = grouped[key] ?? (grouped[key] = { metas: [] });
    entry.metas.push({ ...meta });
  }
  return grouped;
}

/** `changes` split by topic. */
export function changesByTopic(changes: PresenceChanges): Map<string, PresenceChanges> {
  const byTopic = new Map<string, PresenceChanges>();
  const slot = (topic: string) => {
    let changed = byTopic.get(topic);
    if (!changed) byTopic.set(topic, (changed = { joins: [], leaves: [] }));
    return changed;
  };
  for (const presence of changes.joins) slot(presence.topic).joins.push(presence);
  for (const presence of changes.leaves) slot(presence.topic).leaves.push(presence);
  return byTopic;
}

/** One `presence_diff` per topic that `changes` touch. */
export function diffsByTopic(changes: PresenceChanges): Map<string, PresenceDiff> {
  const diffs = new Map<string, PresenceDiff>();
  for (const [topic, changed] of changesByTopic(changes)) {
    diffs.set(topic, { joins: groupByKey(changed.joins), leaves: groupByKey(changed.leaves) });
  }
  return diffs;
}
