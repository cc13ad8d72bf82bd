import { HttpException, HttpStatus } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { ChannelException } from './channel.exception.js';

/** The error reply a thrown value maps to, or null when it is a crash (an unexpected error). */
export function toErrorReply(error: unknown): Record<string, unknown> | null {
  if (error instanceof ChannelException) return error.response;
  if (error instanceof WsException) {
    const body = error.getError();
    return typeof body === 'string' ? { reason: body } : { reason: 'error', ...(body as object) };
  }
  if (error instanceof HttpException) return fromHttpException(error);
  return null;
}

// Guards refuse with ForbiddenException and ValidationPipe with BadRequestException: both are
// expected answers to a client, so they become error replies in Phoenix's vocabulary.
function fromHttpException(error: HttpException): Record<string, unknown> {
  const status = error.getStatus();
  if (status === HttpStatus.UNAUTHORIZED || status === HttpStatus.FORBIDDEN) return { reason: 'unauthorized' };
  const body = error.getResponse();
  if (status === HttpStatus.BAD_REQUEST) {
    const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : body;
    return { reason: 'invalid', errors: Array.isArray(message) ? message : [message ?? error.message] };
  }
  return { reason: error.message };
}
