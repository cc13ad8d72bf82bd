import { randomNodeId } from '../node-identity.js';

// Ids must be unique across nodes (a broadcastFrom travels through Redis), so each process
// gets a random prefix and counts from there: cheaper than a UUID per join.
const nodePrefix = randomNodeId();
let counter = 0;

export function nextSubscriberId(kind: string): string {
  // V8 keeps a template literal as a tree of concatenations for as long as the string lives; every
  // connection holds two ids for its lifetime, and heap snapshots showed ~16 such nodes (~530 bytes)
  // per connection. Decoding the (ASCII) id from bytes yields one flat string instead.
  return Buffer.from(`${kind}:${nodePrefix}:${(counter++).toString(36)}`, 'latin1').toString('latin1');
}
