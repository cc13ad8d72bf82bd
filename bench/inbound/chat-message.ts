import { IsString } from 'class-validator';

/** The topic every client of the inbound scenario joins, and the event it sends. */
export const INBOUND_TOPIC = 'room:bench';
export const INBOUND_EVENT = 'msg';
/** A chat line's body: the same bytes for every server. */
export const INBOUND_BODY = 'hello from the bench';

/** The one DTO every validating server checks through Nest's `ValidationPipe`: `{ body: string }`. */
export class ChatMessage {
  @IsString()
  body!: string;
}

/** What every server answers each message with. */
export interface ChatReceipt {
  id: number;
  len: number;
}

let nextId = 0;

/** The reply of every server, so that each pays for the same allocation. */
export function receiptFor(body: string): ChatReceipt {
  return { id: ++nextId, len: body.length };
}
