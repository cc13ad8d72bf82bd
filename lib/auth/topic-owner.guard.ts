import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { CHANNELS_CONTEXT_TYPE } from '../constants.js';
import { integerAtLeast, nonEmptyString, OptionValidator } from '../options/option-validator.js';
import type { Socket } from '../socket/socket.js';

/** What {@link TopicOwnerGuard} compares. @publicApi */
export interface TopicOwnerOptions {
  /** Assign holding the owner's id; a dotted path reaches inside it: `'user.id'`. */
  assign: string;
  /** Which `:`-separated segment of the topic names the owner. Default 1 (`user:42` gives `42`). */
  segment?: number;
}

function readPath(source: Record<string, unknown>, path: string[]): unknown {
  let value: unknown = source;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Lets a client join a topic only when one segment of the topic equals one of its assigns, e.g.
 * `user:42` only for the socket whose `user.id` is 42; anyone else gets the error reply
 * `{"reason": "unauthorized"}`. Use an instance:
 *
 * ```ts
 * @Join()
 * @UseGuards(new TopicOwnerGuard({ assign: 'user.id' }))
 * join() {}
 * ```
 * A missing assign or segment refuses. Outside channels (HTTP, gateways) it refuses too.
 * @publicApi
 */
export class TopicOwnerGuard implements CanActivate {
  private readonly assignPath: string[];
  private readonly segment: number;

  constructor(options: TopicOwnerOptions | string) {
    const resolved = typeof options === 'string' ? { assign: options } : options;
    const check = new OptionValidator('TopicOwnerGuard');
    const assign = check.check(
      'assign',
      resolved?.assign,
      nonEmptyString,
      'Name the assign to compare: @UseGuards(new TopicOwnerGuard({ assign: "user.id" })).',
    );
    this.segment = check.check('segment', resolved.segment ?? 1, integerAtLeast(0), 'Leave it out for 1 (the 42 of "user:42").');
    this.assignPath = assign.split('.');
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType<string>() !== CHANNELS_CONTEXT_TYPE) return false;
    const socket = context.switchToWs().getClient<Socket>();
    const owner = socket.topic.split(':')[this.segment];
    const value = readPath(socket.assigns, this.assignPath);
    if (owner === undefined || owner === '') return false;
    return (typeof value === 'string' || typeof value === 'number') && String(value) === owner;
  }
}
