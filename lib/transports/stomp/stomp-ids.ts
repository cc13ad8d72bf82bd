import { randomNodeId } from '../../node-identity.js';

// A per-process prefix and a counter: unique across nodes, and without the colons that
// subscriber ids hold (a colon costs an escape in every STOMP header it appears in).
const processPrefix = randomNodeId();
let counter = 0;

/** A new `message-id` (or `session`) value, unique across nodes. */
export function nextStompId(): string {
  return `${processPrefix}-${(counter++).toString(36)}`;
}
