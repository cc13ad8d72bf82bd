import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { FULL, QUICK, type BenchConfig } from '../config.js';
import { ResultSet } from './result-set.js';
import { RESULTS_DIR } from './results-dir.js';
import { evaluateTargets } from './targets.js';

/**
 * `latest` for the default full run, `latest-quick` for `--quick` as is, `latest-custom` for any
 * run narrowed by flags: a partial run never overwrites the table the README quotes.
 */
function resultName(config: BenchConfig): string {
  const defaults = config.mode === 'full' ? FULL : QUICK;
  const narrowed = (['servers', 'passes', 'sizes'] as const).some((key) => JSON.stringify(config[key]) !== JSON.stringify(defaults[key]));
  return narrowed ? 'latest-custom' : config.mode === 'full' ? 'latest' : 'latest-quick';
}

function jsonOf(set: ResultSet, withTargets: boolean): string {
  const targets = withTargets ? { targets: evaluateTargets(set) } : {};
  const json = { config: set.config, machine: set.machine, durationS: set.durationS, ...targets, results: set.results, redis: set.redis };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/** Saves every raw pass as `<name>.json` before any rendering, so a report bug never loses a run. */
export function writeRawResults(set: ResultSet): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${resultName(set.config)}.json`;
  writeFileSync(path, jsonOf(set, false));
  return path;
}

/** Writes `<name>.md` and rewrites `<name>.json` with the targets; returns the paths. */
export function writeReport(set: ResultSet, markdown: string): string[] {
  const name = resultName(set.config);
  const paths = [`${RESULTS_DIR}${name}.md`, `${RESULTS_DIR}${name}.json`];
  writeFileSync(paths[0]!, markdown);
  writeFileSync(paths[1]!, jsonOf(set, true));
  return paths;
}

/** A run saved by `writeRawResults`, to render its report again (`--report=<file>`). */
export function readResults(path: string): ResultSet {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Pick<ResultSet, 'config' | 'machine' | 'durationS' | 'results'> & Partial<Pick<ResultSet, 'redis'>>;
  // Runs saved before the Redis scenarios existed have neither `config.redis` nor `redis`.
  const config = { ...json.config, redis: json.config.redis ?? null };
  return new ResultSet(config, json.machine, json.results, json.durationS, json.redis ?? []);
}
