import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Socket } from 'nestjs-channels';
import { userTopic } from './topics.js';

/** Lets a socket join `user:<name>` only when it was authenticated as `<name>`. */
@Injectable()
export class SameUserGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const socket = context.switchToWs().getClient<Socket>();
    const user = socket.assigns.user;
    return typeof user === 'string' && socket.topic === userTopic(user);
  }
}
