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
