import type { PubSubAdapter } from './pubsub-adapter.interface.js';

/** The single-node default: there are no other nodes to reach, so every call is a no-op. @publicApi */
export class InMemoryPubSubAdapter implements PubSubAdapter {
  init(): void {}
  publish(): void {}
  subscribe(): void {}
  unsubscribe(): void {}
  close(): void {}
}
