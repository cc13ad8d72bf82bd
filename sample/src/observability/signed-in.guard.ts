import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { SessionService } from '../session/session.service.js';

/**
 * Lets through any signed-in user: a session token as `Authorization: Bearer <token>` or as
 * `?token=` (a page opened from a link). Fine for the demo's dashboard; a real app lets only its
 * operators see it (every node's topics and disconnects). The page passes its `?token=` on to its
 * socket, which the sample's socket handler admits; its join of the dashboard topic needs the
 * grant that the page got only through this guard.
 */
@Injectable()
export class SignedInGuard implements CanActivate {
  constructor(private readonly sessions: SessionService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; query?: Record<string, unknown> }>();
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof request.query?.token === 'string' ? request.query.token : undefined);
    return token !== undefined && (await this.sessions.user(token)) !== null;
  }
}
