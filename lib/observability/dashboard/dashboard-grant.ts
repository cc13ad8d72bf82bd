import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a grant lets its page (re)join the dashboard topic: the page reloads for a new one. */
export const DASHBOARD_GRANT_TTL_MS = 60_000;
/** Bound into every signature, so that a secret shared with other uses cannot sign a grant by accident. */
const PURPOSE = 'nestjs-channels dashboard grant\n';

export type GrantVerdict = 'ok' | 'missing' | 'invalid' | 'expired';

/**
 * The link between the dashboard page's HTTP guard and its socket: the page, served only once the
 * app's guard let its request through, embeds a grant that the join of the reserved dashboard
 * topic verifies. A grant is an expiry signed with HMAC-SHA256, `<base64url expiry>.<base64url mac>`:
 * it names no user, since the guard already decided, and it expires within a minute, so a copied
 * one is of little use. The guard itself cannot run on the join: it reads an HTTP request (headers,
 * cookies, query) that a WebSocket join does not carry in the same shape, and a guard written for
 * HTTP might read a bearer header that a browser cannot send on a WebSocket.
 */
export class DashboardGrants {
  private readonly key: Buffer;

  /** Without `secret`, a random key of this process: a grant is only good on the node that served its page. */
  constructor(secret: string | undefined, private readonly ttlMs = DASHBOARD_GRANT_TTL_MS) {
    this.key = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  }

  issue(now = Date.now()): string {
    const expiry = Buffer.from(String(now + this.ttlMs)).toString('base64url');
    return `${expiry}.${this.sign(expiry).toString('base64url')}`;
  }

  verify(grant: unknown, now = Date.now()): GrantVerdict {
    if (typeof grant !== 'string' || grant === '') return 'missing';
    const [expiry, mac, extra] = grant.split('.');
    if (extra !== undefined || !expiry || !mac) return 'invalid';
    const given = Buffer.from(mac, 'base64url');
    const expected = this.sign(expiry);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    const expiresAt = Number(Buffer.from(expiry, 'base64url').toString('utf8'));
    if (!Number.isFinite(expiresAt)) return 'invalid';
    return now < expiresAt ? 'ok' : 'expired';
  }

  private sign(expiry: string): Buffer {
    return createHmac('sha256', this.key).update(PURPOSE).update(expiry).digest();
  }
}
