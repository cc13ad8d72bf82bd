import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SoakOutcome } from '../scenarios/soak.js';
import { RESULTS_DIR } from './results-dir.js';

/** The last `--soak` run's outcome from `bench/results/soak.json`, or null if there is none (or it is unreadable). */
export function readSoakOutcome(): SoakOutcome | null {
  try {
    const outcome = JSON.parse(readFileSync(join(RESULTS_DIR, 'soak.json'), 'utf8')) as Partial<SoakOutcome>;
    const complete =
      typeof outcome.date === 'string' &&
      typeof outcome.minutes === 'number' &&
      typeof outcome.connections === 'number' &&
      typeof outcome.drift === 'number' &&
      typeof outcome.stable === 'boolean';
    return complete ? (outcome as SoakOutcome) : null;
  } catch {
    return null;
  }
}
