import type { Logger } from '@nestjs/common';
import type { PresenceDiff, PresenceFetch, Presences } from './presence.types.js';

/**
 * Runs the app's `fetch` hook, once per list and once per half of a diff that has presences.
 * A hook that throws or returns something else than an object is logged and its input used as
 * is: clients still get every presence, without the extra fields.
 */
export class PresenceEnricher {
  constructor(
    private readonly fetch: PresenceFetch | undefined,
    private readonly logger: Logger,
  ) {}

  /** False without a hook: lists and diffs then go out synchronously. */
  get active(): boolean {
    return this.fetch !== undefined;
  }

  async enrich(topic: string, presences: Presences): Promise<Presences> {
    if (!this.fetch || Object.keys(presences).length === 0) return presences;
    try {
      const enriched = await this.fetch(topic, presences);
      if (typeof enriched === 'object' && enriched !== null && !Array.isArray(enriched)) return enriched;
      this.logger.error(`Presence fetch returned ${describe(enriched)} for "${topic}"; sending the presences without it`);
    } catch (error) {
      this.logger.error(`Presence fetch failed for "${topic}"; sending the presences without it: ${String(error)}`);
    }
    return presences;
  }

  async enrichDiff(topic: string, diff: PresenceDiff): Promise<PresenceDiff> {
    const [joins, leaves] = await Promise.all([this.enrich(topic, diff.joins), this.enrich(topic, diff.leaves)]);
    return { joins, leaves };
  }
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}
