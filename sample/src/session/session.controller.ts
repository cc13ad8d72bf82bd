import {
  Body,
  Controller,
  Headers,
  HttpCode,
  HttpStatus,
  Post,
  UnauthorizedException,
  ValidationPipe,
} from '@nestjs/common';
import { ChannelsServer } from 'nestjs-channels';
import { userSocketId } from '../socket/user-socket.handler.js';
import { CreateSessionDto } from './create-session.dto.js';
import { SessionService } from './session.service.js';

/**
 * A demo sign-in: anyone may be anyone. A real app issues the token from its own
 * authentication; the rest of the sample does not change.
 */
@Controller('api/session')
export class SessionController {
  constructor(
    private readonly sessions: SessionService,
    private readonly channels: ChannelsServer,
  ) {}

  @Post()
  async create(@Body(new ValidationPipe()) { user }: CreateSessionDto): Promise<{ token: string; user: string }> {
    return { token: await this.sessions.start(user), user };
  }

  /** Revokes the token and closes every socket of its user, so their pages reconnect and re-authenticate. */
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  async logout(@Headers('authorization') authorization: string | undefined): Promise<void> {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const user = token ? await this.sessions.end(token) : null;
    if (!user) throw new UnauthorizedException('a valid "Authorization: Bearer <token>" header is required');
    this.channels.disconnect(userSocketId(user.id));
  }
}
