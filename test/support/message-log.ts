import type { Socket as PhoenixSocket } from 'phoenix';

/** A message as the phoenix client decoded it, before it picks the channel it belongs to. */
export interface ClientMessage {
  topic: string;
  event: string;
  payload: any;
  ref: string | null;
  join_ref: string | null;
}

/**
 * Every message the client receives from now on, whichever channel (if any) it was for. The
 * client drops messages for topics it has no channel on, so "not delivered" must be checked here.
 */
export function recordMessages(socket: PhoenixSocket): ClientMessage[] {
  const log: ClientMessage[] = [];
  socket.onMessage((message: unknown) => {
    log.push(message as ClientMessage);
  });
  return log;
}

/** The close code the phoenix `LongPoll` reports when the server answers that its session is gone (410). */
export const LONGPOLL_SESSION_GONE = 3410;
/** The close code the phoenix `LongPoll` reports when a request fails outright (no server, or status 500). */
export const LONGPOLL_REQUEST_FAILED = 1011;

/** The close events of the client's connection, from now on. */
export function recordCloses(socket: PhoenixSocket): Array<{ code: number; reason: string }> {
  const closes: Array<{ code: number; reason: string }> = [];
  socket.onClose((event: { code: number; reason: string }) => {
    closes.push({ code: event.code, reason: event.reason });
  });
  return closes;
}
