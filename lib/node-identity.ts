import { randomBytes } from 'node:crypto';

/**
 * Injection token of this node's id: one random string per running app, new at every start. It
 * names the node wherever nodes must tell each other apart (its own broadcasts coming back from
 * Redis, long-poll forwarding, presence refs and runs), so logs and stats agree on who is who.
 */
export const NODE_ID = Symbol('nestjs-channels:node-id');

/** A new random node id (72 bits, URL-safe). */
export function randomNodeId(): string {
  return randomBytes(9).toString('base64url');
}

// A per-process prefix and a counter: unique across nodes (a broadcastFrom's sender travels to
// them all), and cheaper than a UUID per join.
const processPrefix = randomNodeId();
let counter = 0;

/** A new id for a subscriber (a channel, a socket, a handler), unique across nodes. */
export function nextSubscriberId(kind: string): string {
  // V8 keeps a template literal as a tree of concatenations for as long as the string lives, and a
  // connection holds its ids for its whole life: decoding the (ASCII) id from bytes flattens it.
  return Buffer.from(`${kind}:${processPrefix}:${(counter++).toString(36)}`, 'latin1').toString('latin1');
}
