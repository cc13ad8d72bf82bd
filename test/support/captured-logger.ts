import type { LoggerService } from '@nestjs/common';

export interface LogEntry {
  level: 'error' | 'warn' | 'log' | 'debug' | 'verbose' | 'fatal';
  context: string | undefined;
  message: string;
}

/**
 * Records what the app logs instead of printing it, for tests that crash handlers on purpose:
 * they assert the crash was reported rather than fill the output with expected stack traces.
 */
export class CapturedLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }
  log(message: unknown, ...rest: unknown[]): void {
    this.record('log', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.record('fatal', message, rest);
  }

  /** Entries of `level` logged under `context` (e.g. `Channel`). */
  of(level: LogEntry['level'], context: string): LogEntry[] {
    return this.entries.filter((entry) => entry.level === level && entry.context === context);
  }

  private record(level: LogEntry['level'], message: unknown, rest: unknown[]): void {
    // Nest passes the context last (after an optional stack for errors).
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const text = message instanceof Error ? `${message.name}: ${message.message}` : String(message);
    this.entries.push({ level, context, message: text });
  }
}
