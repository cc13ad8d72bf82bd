import type { Presence, Presences } from 'nestjs-channels';
import { CallSite, ChannelAssertionError } from './errors.js';
import { matchesPayload } from './match-payload.js';

const POLL_MS = 5;

function hasMatch(presences: Presences, key: string, meta: unknown): boolean {
  return presences[key]?.metas.some((entry) => matchesPayload(entry, meta)) ?? false;
}

/**
 * Waits until `Presence.list(topic)` holds `key` with a meta matching `meta` (subset match), or
 * — with `expectPresent` false — until it does not. Presence is replicated asynchronously, so the
 * list is polled; the last list seen is in the failure message.
 */
export async function awaitPresence(
  presence: Presence,
  site: CallSite,
  name: string,
  topic: string,
  key: string,
  meta: unknown,
  expectPresent: boolean,
  timeoutMs: number,
): Promise<Presences> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const presences = await presence.list(topic);
    if (hasMatch(presences, key, meta) === expectPresent) return presences;
    if (Date.now() >= deadline) {
      const wanted = meta === undefined ? `"${key}"` : `"${key}" with a meta matching ${JSON.stringify(meta)}`;
      const verb = expectPresent ? 'is not' : 'is still';
      throw site.fail(
        new ChannelAssertionError(
          `${name}: ${wanted} ${verb} present on "${topic}" after ${timeoutMs} ms. Presence list: ${JSON.stringify(presences)}`,
        ),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
