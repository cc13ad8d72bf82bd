/**
 * Redis keys of one run only: runs (and test suites) sharing a Redis never see each other's
 * messages. `label` tells the scenarios of a run apart (a pass number, `cluster`).
 */
export function uniqueRedisPrefix(label: string | number): string {
  return `nestjs-channels-bench:${process.pid}:${Date.now().toString(36)}:${label}:`;
}
