import { spawnSync } from 'node:child_process';
import { hasTaskset } from '../harness/child-process.js';

/**
 * Pins every thread of this process to `cpu` (when taskset exists), so that the soak's measuring
 * clients share the load generators' core and never the server's.
 */
export function pinThisProcess(cpu: number): void {
  if (hasTaskset()) spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(process.pid)], { stdio: 'ignore' });
}
