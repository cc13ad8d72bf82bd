import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Node ids are 9 random bytes in base64url (node-identity.ts). */
const NODE_ID_LENGTH = 12;

/**
 * Signs long-poll session ids so that a tampered or forged token never reaches a session:
 * `<id>.<HMAC-SHA256(secret, id)>`, both base64url. A session id starts with the id of the node
 * that holds the session, so that node answers for an ended session at once and only others
 * forward. Nodes of one cluster share the secret so any of them can verify a token; a single node
 * may use a random one.
 */
export class SessionTokens {
  private readonly secret: Buffer;

  constructor(secret?: string) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  /** A new random session id of a session held by `nodeId`. */
  static newSessionId(nodeId: string): string {
    if (nodeId.length !== NODE_ID_LENGTH) throw new Error(`a node id has ${NODE_ID_LENGTH} characters, got "${nodeId}"`);
    return `${nodeId}${randomBytes(18).toString('base64url')}`;
  }

  /** The node that holds the session `sessionId`. */
  static nodeOf(sessionId: string): string {
    return sessionId.slice(0, NODE_ID_LENGTH);
  }

  sign(sessionId: string): string {
    return `${sessionId}.${this.mac(sessionId)}`;
  }

  /** True for anything shaped like a session token, valid or not. */
  static looksLikeToken(token: string): boolean {
    return /^[A-Za-z0-9_-]{36}\.[A-Za-z0-9_-]{43}$/.test(token);
  }

  /** The session id inside a valid token, or null. */
  verify(token: string | undefined): string | null {
    if (typeof token !== 'string' || token.length > 256) return null;
    const dot = token.indexOf('.');
    if (dot <= 0) return null;
    const sessionId = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(sessionId), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? sessionId : null;
  }

  private mac(sessionId: string): string {
    return createHmac('sha256', this.secret).update(sessionId).digest('base64url');
  }
}
