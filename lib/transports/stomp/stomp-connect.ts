import { STOMP_VERSIONS, type StompVersion } from './stomp-frame.js';
import { stompFrameError } from './stomp-frame-error.js';

/** CONNECT headers of the protocol itself; every other header is a connect param. */
const PROTOCOL_HEADERS = new Set(['accept-version', 'host', 'heart-beat', 'login', 'passcode', 'authorization']);
const BEARER = /^Bearer\s+(.+)$/i;

/** What the socket handler gets from a CONNECT frame. */
export interface StompConnectParams {
  params: Record<string, string>;
  /** `Authorization: Bearer <token>` if present, else `passcode`. */
  authToken: string | undefined;
}

/**
 * The connect params of a CONNECT: its headers but the protocol's own, so `token:abc` reaches the
 * socket handler as `params.token`. An `Authorization: Bearer` token wins over `passcode`: it says
 * what it is, where a passcode may be a password that goes with `login`.
 */
export function connectParams(headers: ReadonlyMap<string, string>): StompConnectParams {
  const params: Record<string, string> = Object.create(null);
  for (const [name, value] of headers) if (!PROTOCOL_HEADERS.has(name.toLowerCase())) params[name] = value;
  const bearer = BEARER.exec(headers.get('Authorization') ?? headers.get('authorization') ?? '');
  return { params, authToken: bearer?.[1] ?? headers.get('passcode') };
}

/** The highest version both sides speak; a CONNECT without `accept-version` is STOMP 1.0. Null when none. */
export function negotiateVersion(acceptVersion: string | undefined): StompVersion | null {
  if (acceptVersion === undefined) return '1.0';
  const offered = new Set(acceptVersion.split(',').map((version) => version.trim()));
  for (let index = STOMP_VERSIONS.length - 1; index >= 0; index--) {
    if (offered.has(STOMP_VERSIONS[index]!)) return STOMP_VERSIONS[index]!;
  }
  return null;
}

/** The server's side of heart-beating: how often it can send, how often it wants to receive (0: never). */
export interface HeartbeatOffer {
  sendMs: number;
  receiveMs: number;
}

/** Agreed intervals, 0 where there is no heart-beating in that direction. */
export interface Heartbeats {
  /** The server sends an EOL when it wrote nothing for this long. */
  outgoingMs: number;
  /** The client promised to send something at least this often. */
  incomingMs: number;
  /** The CONNECTED frame's `heart-beat` header. */
  header: string;
}

/** STOMP's negotiation: each direction runs at the slower of what one side offers and the other wants. */
export function negotiateHeartbeats(header: string | undefined, server: HeartbeatOffer): Heartbeats {
  let clientSends = 0;
  let clientWants = 0;
  if (header !== undefined) {
    const match = /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(header);
    if (!match) throw stompFrameError(`heart-beat "${header.slice(0, 32)}" is not two numbers "cx,cy"`);
    clientSends = Number(match[1]);
    clientWants = Number(match[2]);
  }
  return {
    outgoingMs: server.sendMs === 0 || clientWants === 0 ? 0 : Math.max(server.sendMs, clientWants),
    incomingMs: server.receiveMs === 0 || clientSends === 0 ? 0 : Math.max(server.receiveMs, clientSends),
    header: `${server.sendMs},${server.receiveMs}`,
  };
}
