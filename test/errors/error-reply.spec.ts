import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  NotFoundException,
  UnauthorizedException,
  ValidationPipe,
} from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { IsInt, IsNotEmpty, IsString } from 'class-validator';
import { ChannelException } from '../../lib/errors/channel.exception.js';
import { toErrorReply } from '../../lib/errors/error-reply.js';

class NewMessageDto {
  @IsString()
  @IsNotEmpty()
  body!: string;

  @IsInt()
  priority!: number;
}

async function validationError(value: unknown): Promise<unknown> {
  try {
    await new ValidationPipe().transform(value, { type: 'body', metatype: NewMessageDto });
  } catch (error) {
    return error;
  }
  throw new Error('ValidationPipe accepted the value');
}

describe('toErrorReply', () => {
  test('ChannelException: its reason and details', () => {
    expect(toErrorReply(new ChannelException('room_full'))).toEqual({ reason: 'room_full' });
    expect(toErrorReply(new ChannelException('too_fast', { retry_in: 5 }))).toEqual({ reason: 'too_fast', retry_in: 5 });
  });

  test('ChannelException: details cannot override the reason', () => {
    expect(toErrorReply(new ChannelException('kept', { reason: 'overridden' }))).toEqual({ reason: 'kept' });
  });

  test('WsException with a string: the string is the reason', () => {
    expect(toErrorReply(new WsException('not allowed'))).toEqual({ reason: 'not allowed' });
  });

  test('WsException with an object: the object, with a default reason', () => {
    expect(toErrorReply(new WsException({ reason: 'banned', until: 42 }))).toEqual({ reason: 'banned', until: 42 });
    expect(toErrorReply(new WsException({ code: 7 }))).toEqual({ reason: 'error', code: 7 });
  });

  test.each([
    ['ForbiddenException (a guard said no)', new ForbiddenException('Forbidden resource')],
    ['ForbiddenException without a message', new ForbiddenException()],
    ['UnauthorizedException', new UnauthorizedException('who are you')],
  ])('%s: unauthorized', (_case, error) => {
    expect(toErrorReply(error)).toEqual({ reason: 'unauthorized' });
  });

  test('BadRequestException from ValidationPipe: invalid, with every validation message', async () => {
    const error = await validationError({ body: '', priority: 'high' });
    expect(error).toBeInstanceOf(BadRequestException);
    const expectedErrors = ((error as BadRequestException).getResponse() as { message: string[] }).message;
    expect(expectedErrors.length).toBeGreaterThanOrEqual(2);
    expect(toErrorReply(error)).toEqual({ reason: 'invalid', errors: expectedErrors });
    expect(expectedErrors.some((message) => message.includes('body'))).toBe(true);
    expect(expectedErrors.some((message) => message.includes('priority'))).toBe(true);
  });

  test('BadRequestException with a plain message: invalid, with that message', () => {
    expect(toErrorReply(new BadRequestException('bad cursor'))).toEqual({ reason: 'invalid', errors: ['bad cursor'] });
    expect(toErrorReply(new BadRequestException())).toEqual({ reason: 'invalid', errors: ['Bad Request'] });
    expect(toErrorReply(new HttpException('raw', HttpStatus.BAD_REQUEST))).toEqual({ reason: 'invalid', errors: ['raw'] });
  });

  test('other HttpExceptions: their message is the reason', () => {
    expect(toErrorReply(new NotFoundException('no such room'))).toEqual({ reason: 'no such room' });
    expect(toErrorReply(new HttpException('slow down', HttpStatus.TOO_MANY_REQUESTS))).toEqual({ reason: 'slow down' });
  });

  test.each([
    ['an Error', new Error('bug')],
    ['a TypeError', new TypeError('undefined is not a function')],
    ['a string', 'oops'],
    ['undefined', undefined],
    ['null', null],
    ['an object shaped like a ChannelException', { response: { reason: 'fake' } }],
  ])('%s is a crash: null', (_case, error) => {
    expect(toErrorReply(error)).toBeNull();
  });
});
