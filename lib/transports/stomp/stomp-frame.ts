/** STOMP protocol versions this server speaks, oldest first. */
export const STOMP_VERSIONS = ['1.0', '1.1', '1.2'] as const;
export type StompVersion = (typeof STOMP_VERSIONS)[number];

/** Commands a client may send. */
export const CLIENT_COMMANDS = new Set([
  'CONNECT',
  'STOMP',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'ACK',
  'NACK',
  'DISCONNECT',
]);

/** One decoded STOMP frame. Header names and values are unescaped; a repeated header keeps its first value (STOMP 1.2). */
export interface StompFrame {
  readonly command: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** Bytes the frame took on the wire, command to NUL. */
  readonly size: number;
}

/** Headers of an outbound frame, in the order written; values are escaped by the encoder. */
export type StompHeaders = ReadonlyArray<readonly [string, string]>;
