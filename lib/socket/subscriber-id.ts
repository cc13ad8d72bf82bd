import { randomNodeId } from '../node-identity.js';

// Ids must be unique across nodes (a broadcastFrom travels through Redis), so each process
// gets a random prefix and counts from there: cheaper than a UUID per join.
const nodePrefix = randomNodeId();
let counter = 0;

export function nextSubscriberId(kind: string): string {
  // V8 keeps a template literal as a tree of concatenations for as long as the string lives, and a
  // connection holds its ids for its whole life: decoding the (ASCII) id from bytes flattens it.
  return Buffer.from(`${kind}:${nodePrefix}:${(counter++).toString(36)}`, 'latin1').toString('latin1');
}
