import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';

/** Lets through the requests that carry `x-dashboard: let-me-in`, as an app's admin guard would. */
@Injectable()
export class DashboardGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers['x-dashboard'] === 'let-me-in';
  }
}

export const LET_IN = { 'x-dashboard': 'let-me-in' };
