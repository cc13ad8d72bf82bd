import { randomBytes } from 'node:crypto';

// Ids must be unique across nodes (a broadcastFrom travels through Redis), so each process
// gets a random prefix and counts from there: cheaper than a UUID per join.
const nodePrefix = randomBytes(6).toString('base64url');
let counter = 0;

export function nextSubscriberId(kind: string): string {
  return `${kind}:${nodePrefix}:${(counter++).toString(36)}`;
}
