import { ChannelsOptionError } from '../errors/channels-option.error.js';
import { describeKind, describeValue } from './describe-value.js';

/** What a valid value is, and how to recognise one. Build one with {@link rule}. */
export interface OptionRule<T> {
  /** Completes "must be ...": `'a positive integer'`. */
  readonly expected: string;
  readonly accepts: (value: unknown) => value is T;
  /** How the message shows a value received; `describeValue` unless given (secrets: `describeSecret`). */
  readonly show?: (value: unknown) => string;
}

export function rule<T>(expected: string, accepts: (value: unknown) => boolean, show?: (value: unknown) => string): OptionRule<T> {
  return { expected, accepts: accepts as (value: unknown) => value is T, show };
}

export const positiveInteger = rule<number>('a positive integer', (value) => Number.isInteger(value) && (value as number) > 0);
export const nonEmptyString = rule<string>('a non-empty string', (value) => typeof value === 'string' && value.length > 0);
export const aBoolean = rule<boolean>('a boolean', (value) => typeof value === 'boolean');
/** A plain object, not an array or null. */
export const anObject = rule<object>('an object', (value) => typeof value === 'object' && value !== null && !Array.isArray(value));

export function integerAtLeast(min: number): OptionRule<number> {
  return rule(`an integer >= ${min}`, (value) => Number.isInteger(value) && (value as number) >= min);
}

/** A finite number. */
export function numberAtLeast(min: number): OptionRule<number> {
  return rule(`a number >= ${min}`, (value) => Number.isFinite(value) && (value as number) >= min);
}

/** `a`, `a or b`, `a, b or c`. */
function either(texts: string[]): string {
  return texts.length > 1 ? `${texts.slice(0, -1).join(', ')} or ${texts.at(-1)}` : (texts[0] ?? 'nothing');
}

export function oneOf<T extends string>(values: readonly T[]): OptionRule<T> {
  return rule(either(values.map((value) => JSON.stringify(value))), (value) => (values as readonly unknown[]).includes(value));
}

/** An array whose every entry passes `entry`; `expected` says it for the message (`'a list of origins'`). */
export function listOf<T>(entry: OptionRule<T>, expected: string, minLength = 0): OptionRule<T[]> {
  return rule(expected, (value) => Array.isArray(value) && value.length >= minLength && value.every((item) => entry.accepts(item)));
}

export function aFunction<F extends (...args: never[]) => unknown = (...args: never[]) => unknown>(expected = 'a function'): OptionRule<F> {
  return rule(expected, (value) => typeof value === 'function');
}

/** Passes when one of `rules` does: `must be a boolean, a list of origins or a function`. */
export function anyOf<R extends OptionRule<unknown>[]>(...rules: R): OptionRule<R[number] extends OptionRule<infer T> ? T : never> {
  return rule(either(rules.map((each) => each.expected)), (value) => rules.some((each) => each.accepts(value)));
}

/**
 * Checks the options of one owner (`ChannelsModule`, `Presence`, `RedisPubSubAdapter`...) and
 * throws a {@link ChannelsOptionError} at the first impossible one, worded as
 * `<owner> option "<path>" <what is wrong>, got <value>. <fix>`:
 *
 * ```ts
 * const options = new OptionValidator('ChannelsModule');
 * options.check('idleTimeoutMs', 0, positiveInteger);
 * // ChannelsOptionError: ChannelsModule option "idleTimeoutMs" must be a positive integer, got 0.
 * ```
 */
export class OptionValidator {
  /** @param base the path of the options checked, under the owner (see {@link at}). */
  constructor(
    readonly owner: string,
    private readonly base = '',
  ) {}

  /** A validator of the options nested under `path`: `at('longpoll').check('windowMs', ...)` names `"longpoll.windowMs"`. */
  at(path: string): OptionValidator {
    return new OptionValidator(this.owner, this.pathOf(path));
  }

  /** `value` when `rule` accepts it; otherwise throws, naming the option, the value and `fix`. */
  check<T>(path: string, value: unknown, rule: OptionRule<T>, fix?: string): T {
    if (!rule.accepts(value)) this.fail(path, `must be ${rule.expected}`, value, fix, rule.show);
    return value as T;
  }

  /** As {@link check}, leaving `undefined` (the option not given) alone. */
  optional<T>(path: string, value: unknown, rule: OptionRule<T>, fix?: string): T | undefined {
    return value === undefined ? undefined : this.check(path, value, rule, fix);
  }

  /**
   * Rejects the keys of `value` (the object at `path`) that are not `known`, so that a typo fails
   * at boot: `option "prefx" is not <kind>, got a string. Known: ...` (the value's kind only: a
   * misplaced key may hold a password).
   */
  knownKeys(path: string, value: object, known: readonly string[], kind = 'an option'): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) {
        const option = path ? `${path}.${key}` : key;
        this.fail(option, `is not ${kind}`, (value as Record<string, unknown>)[key], `Known: ${known.join(', ')}.`, describeKind);
      }
    }
  }

  /** Throws the option error for `path`: `problem` completes the option's name, `fix` is a sentence. */
  fail(path: string, problem: string, value: unknown, fix?: string, show: (value: unknown) => string = describeValue): never {
    const option = this.pathOf(path);
    const subject = option ? `${this.owner} option "${option}"` : this.owner;
    const message = `${subject} ${problem}, got ${show(value)}.${fix ? ` ${fix}` : ''}`;
    throw new ChannelsOptionError(message, this.owner, option);
  }

  private pathOf(path: string): string {
    if (!this.base) return path;
    if (!path) return this.base;
    return path.startsWith('[') ? `${this.base}${path}` : `${this.base}.${path}`;
  }
}
