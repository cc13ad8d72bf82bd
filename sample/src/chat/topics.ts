/** Prefix of the chat room topics, `room:<name>`. */
export const ROOM_PREFIX = 'room:';

/** The private topic of `user`: it carries the `mention` events meant for them. */
export function userTopic(user: string): string {
  return `user:${user}`;
}
