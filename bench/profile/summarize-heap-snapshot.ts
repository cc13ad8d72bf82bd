/** Objects of one kind in a heap snapshot: how many, and their own (shallow) bytes. */
export interface HeapGroup {
  count: number;
  selfBytes: number;
}

interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Groups a V8 heap snapshot's nodes (`.heapsnapshot` JSON) by constructor: objects and closures by
 * their name, anything else by its type (`(array)`, `(string)`, `(hidden) system / Context`, ...).
 */
export function groupHeapSnapshot(json: string): Map<string, HeapGroup> {
  const snapshot = JSON.parse(json) as HeapSnapshotJson;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, HeapGroup>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!]!;
    const name = strings[nodes[i + nameAt]!]!;
    const key = groupKey(type, name);
    const group = groups.get(key) ?? { count: 0, selfBytes: 0 };
    group.count++;
    group.selfBytes += nodes[i + sizeAt]!;
    groups.set(key, group);
  }
  return groups;
}

function groupKey(type: string, name: string): string {
  if (type === 'object' || type === 'native') return name;
  if (type === 'closure') return `(closure) ${name || 'anonymous'}`;
  if (type === 'hidden' || type === 'array' || type === 'object shape') return `(${type}) ${name.slice(0, 40)}`;
  return `(${type})`;
}

/** Per-connection growth from `before` to `after` with `n` more connections, largest first. */
export function perConnection(
  before: Map<string, HeapGroup>,
  after: Map<string, HeapGroup>,
  n: number,
): Array<{ key: string; count: number; bytes: number }> {
  const rows = [...after].map(([key, group]) => {
    const base = before.get(key) ?? { count: 0, selfBytes: 0 };
    return { key, count: (group.count - base.count) / n, bytes: (group.selfBytes - base.selfBytes) / n };
  });
  return rows.filter((row) => Math.abs(row.bytes) >= 1).sort((a, b) => b.bytes - a.bytes);
}
