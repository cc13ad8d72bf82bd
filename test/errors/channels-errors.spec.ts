import { readFileSync } from 'node:fs';
import {
  CHANNELS_ERROR_CODES,
  ChannelException,
  ChannelsError,
  ChannelsOptionError,
  ChannelsTypeError,
  CloseCode,
  isChannelsError,
  ProtocolError,
} from '../../lib/index.js';
import { protocolError } from '../../lib/errors/protocol.error.js';

describe('the error codes', () => {
  test('are unique, and each is CHANNELS_ERR_ and upper snake case', () => {
    expect(new Set(CHANNELS_ERROR_CODES).size).toBe(CHANNELS_ERROR_CODES.length);
    for (const code of CHANNELS_ERROR_CODES) expect(code).toMatch(/^CHANNELS_ERR_[A-Z0-9]+(?:_[A-Z0-9]+)*$/);
  });

  test('docs/errors.md has a row for every code, and names no other', () => {
    const page = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = new Set([...page.matchAll(/^\| `(CHANNELS_ERR_[A-Z0-9_]+)` \|/gm)].map((match) => match[1]));
    expect([...rows].sort()).toEqual([...CHANNELS_ERROR_CODES].sort());
    const mentioned = new Set(page.match(/CHANNELS_ERR_[A-Z0-9_]+/g));
    for (const code of mentioned) expect(CHANNELS_ERROR_CODES).toContain(code);
  });
});

describe('the error classes', () => {
  test('ChannelsError carries its code, and a close code only when it ends a socket', () => {
    const error = new ChannelsError('CHANNELS_ERR_RESERVED_TOPIC', 'reserved');
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ name: 'ChannelsError', code: 'CHANNELS_ERR_RESERVED_TOPIC', message: 'reserved' });
    expect(Object.hasOwn(error, 'closeCode')).toBe(false);
    expect(new ChannelsError('CHANNELS_ERR_MALFORMED_FRAME', 'x', { closeCode: CloseCode.malformed }).closeCode).toBe(1007);
  });

  test('a cause is kept', () => {
    const cause = new Error('below');
    expect(new ChannelsError('CHANNELS_ERR_IOREDIS_MISSING', 'x', { cause }).cause).toBe(cause);
  });

  test('ChannelsTypeError and ChannelsOptionError stay TypeErrors', () => {
    const typeError = new ChannelsTypeError('CHANNELS_ERR_INVALID_ARGUMENT', 'bad argument');
    expect(typeError).toBeInstanceOf(TypeError);
    expect(typeError).toMatchObject({ name: 'ChannelsTypeError', code: 'CHANNELS_ERR_INVALID_ARGUMENT' });
    const optionError = new ChannelsOptionError('ChannelsModule option "path" ...', 'ChannelsModule', 'path');
    expect(optionError).toBeInstanceOf(TypeError);
    expect(optionError).toBeInstanceOf(ChannelsTypeError);
    expect(optionError).toMatchObject({ name: 'ChannelsOptionError', code: 'CHANNELS_ERR_INVALID_OPTION', owner: 'ChannelsModule', option: 'path' });
  });

  test('ProtocolError is a ChannelsError with code CHANNELS_ERR_MALFORMED_FRAME, close code 1007 and the frame ref', () => {
    const error = new ProtocolError('frame is not valid JSON', '7');
    expect(error).toBeInstanceOf(ChannelsError);
    expect(error).toMatchObject({ name: 'ProtocolError', code: 'CHANNELS_ERR_MALFORMED_FRAME', closeCode: CloseCode.malformed, ref: '7' });
    expect(new ProtocolError('x').ref).toBeNull();
  });

  test('protocolError() builds one without a stack trace and restores the limit', () => {
    const limit = Error.stackTraceLimit;
    const error = protocolError('topic must be a non-empty string', '3');
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error).toMatchObject({ code: 'CHANNELS_ERR_MALFORMED_FRAME', closeCode: 1007, ref: '3' });
    expect(error.stack).toBe('ProtocolError: topic must be a non-empty string');
    expect(Error.stackTraceLimit).toBe(limit);
  });

  test('isChannelsError recognises both kinds, optionally by code, and nothing else', () => {
    const reserved = new ChannelsError('CHANNELS_ERR_RESERVED_TOPIC', 'x');
    const option = new ChannelsOptionError('x', 'ChannelsModule', 'path');
    expect(isChannelsError(reserved)).toBe(true);
    expect(isChannelsError(option)).toBe(true);
    expect(isChannelsError(option, 'CHANNELS_ERR_INVALID_OPTION')).toBe(true);
    expect(isChannelsError(reserved, 'CHANNELS_ERR_INVALID_OPTION')).toBe(false);
    expect(isChannelsError(new TypeError('x'))).toBe(false);
    expect(isChannelsError({ code: 'CHANNELS_ERR_RESERVED_TOPIC' })).toBe(false);
    // The client-facing reply is not part of the family.
    expect(isChannelsError(new ChannelException('nope'))).toBe(false);
  });
});
