/**
 * Whether `payload` (parsed JSON) nests objects and arrays deeper than `maxDepth`. Iterative and
 * stopping at the first branch too deep, so a hostile payload costs no more than the part read.
 */
export function nestsDeeperThan(payload: unknown, maxDepth: number): boolean {
  if (typeof payload !== 'object' || payload === null || ArrayBuffer.isView(payload)) return false;
  const pending: Array<[object, number]> = [[payload, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
