import type { ExecutionContext } from '@nestjs/common';
import { TopicOwnerGuard } from '../../lib/index.js';
import { expectOptionError } from '../support/thrown.js';

/** The parts of an execution context the guard reads, as channel handlers provide them. */
function channelContext(topic: string, assigns: Record<string, unknown>, type = 'channels'): ExecutionContext {
  const socket = { topic, assigns };
  return { getType: () => type, switchToWs: () => ({ getClient: () => socket }) } as unknown as ExecutionContext;
}

describe('TopicOwnerGuard', () => {
  const guard = new TopicOwnerGuard({ assign: 'user.id' });

  test.each([
    ['a numeric id equal to the segment', 'user:42', { user: { id: 42 } }, true],
    ['a string id equal to the segment', 'user:42', { user: { id: '42' } }, true],
    ['another id', 'user:7', { user: { id: 42 } }, false],
    ['an id that only starts like the segment', 'user:4', { user: { id: 42 } }, false],
    ['no such assign', 'user:42', {}, false],
    ['an assign that is an object', 'user:42', { user: { id: { toString: () => '42' } } }, false],
    ['a topic without the segment', 'user', { user: { id: 42 } }, false],
    ['an empty segment', 'user:', { user: { id: '' } }, false],
    ['an inherited, not own, property', 'user:42', { user: Object.create({ id: 42 }) }, false],
  ])('%s: %p', (_label, topic, assigns, allowed) => {
    expect(guard.canActivate(channelContext(topic, assigns))).toBe(allowed);
  });

  test('a string names the assign; segment picks another part of the topic', () => {
    const byOrg = new TopicOwnerGuard({ assign: 'org_id', segment: 2 });
    expect(byOrg.canActivate(channelContext('org:room:acme', { org_id: 'acme' }))).toBe(true);
    expect(byOrg.canActivate(channelContext('org:acme:room', { org_id: 'acme' }))).toBe(false);
    expect(new TopicOwnerGuard('user_id').canActivate(channelContext('user:9', { user_id: 9 }))).toBe(true);
  });

  test('refuses outside channels (an HTTP or gateway context)', () => {
    expect(guard.canActivate(channelContext('user:42', { user: { id: 42 } }, 'http'))).toBe(false);
  });

  test.each([
    ['no options', undefined, /TopicOwnerGuard option "assign" must be a non-empty string, got undefined\. Name the assign to compare/],
    ['an empty assign', { assign: '' }, /TopicOwnerGuard option "assign" must be a non-empty string, got ""/],
    ['a negative segment', { assign: 'a', segment: -1 }, /"segment" must be an integer >= 0, got -1/],
  ])('%s is a setup mistake thrown at once', (_label, options, message) => {
    expectOptionError(() => new TopicOwnerGuard(options as never), message);
  });
});
