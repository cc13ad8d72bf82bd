/** One message of a room, as stored, sent in join replies and broadcast as `new_msg`. */
export interface ChatMessage {
  id: string;
  /** The room name, without the `room:` prefix. Stored, not sent to clients. */
  room: string;
  user: string;
  body: string;
  /** ISO-8601 time the server received it. */
  at: string;
}

/** What clients see of a message. */
export type PublicChatMessage = Omit<ChatMessage, 'room'>;

export function toPublic({ id, user, body, at }: ChatMessage): PublicChatMessage {
  return { id, user, body, at };
}
