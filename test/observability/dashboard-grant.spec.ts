import { DASHBOARD_GRANT_TTL_MS, DashboardGrants } from '../../lib/observability/dashboard/dashboard-grant.js';

const NOW = 1_760_000_000_000;

describe('DashboardGrants', () => {
  test('a grant it issued is ok until it expires, a minute later', () => {
    const grants = new DashboardGrants(undefined);
    const grant = grants.issue(NOW);
    expect(grants.verify(grant, NOW)).toBe('ok');
    expect(grants.verify(grant, NOW + DASHBOARD_GRANT_TTL_MS - 1)).toBe('ok');
    expect(grants.verify(grant, NOW + DASHBOARD_GRANT_TTL_MS)).toBe('expired');
  });

  test('no grant, a forged one, a changed expiry, or one of another key: refused', () => {
    const grants = new DashboardGrants(undefined);
    const grant = grants.issue(NOW);
    const [, mac] = grant.split('.');
    const later = Buffer.from(String(NOW + 3_600_000)).toString('base64url');
    expect(grants.verify(undefined, NOW)).toBe('missing');
    expect(grants.verify('', NOW)).toBe('missing');
    expect(grants.verify({ grant }, NOW)).toBe('missing');
    expect(grants.verify('abc.def', NOW)).toBe('invalid');
    expect(grants.verify(`${later}.${mac}`, NOW)).toBe('invalid');
    expect(grants.verify(`${grant}.x`, NOW)).toBe('invalid');
    expect(new DashboardGrants(undefined).verify(grant, NOW)).toBe('invalid');
  });

  test('nodes given the same secret accept each other\'s grants', () => {
    const grant = new DashboardGrants('a shared secret of the cluster').issue(NOW);
    expect(new DashboardGrants('a shared secret of the cluster').verify(grant, NOW)).toBe('ok');
    expect(new DashboardGrants('another secret').verify(grant, NOW)).toBe('invalid');
  });
});
