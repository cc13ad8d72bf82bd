import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

let tasksetAvailable: boolean | undefined;
let chrtAvailable: boolean | undefined;

/** Whether `taskset` exists here (util-linux); without it processes run unpinned. */
export function hasTaskset(): boolean {
  tasksetAvailable ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0;
  return tasksetAvailable;
}

/** Whether `chrt` can start a process under SCHED_IDLE here (util-linux). */
function hasIdleScheduling(): boolean {
  chrtAvailable ??= spawnSync('chrt', ['--idle', '0', 'true']).status === 0;
  return chrtAvailable;
}

export interface NodeChildOptions {
  /** CPU to pin the process to (all its threads), when taskset exists. */
  cpu?: number;
  /** Extra flags for node (`--expose-gc`, `--cpu-prof`, ...). */
  nodeFlags?: string[];
  env?: NodeJS.ProcessEnv;
  /**
   * Run under SCHED_IDLE (where `chrt` exists): a load generator sharing a core with measuring
   * clients then yields to them at once, instead of after the scheduler's wake-up granularity.
   */
  idle?: boolean;
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts `node script ...args` in a fresh process with an IPC channel to this one (like
 * `child_process.fork`), its open-file soft limit raised to the hard limit, and pinned to `cpu`.
 * The IPC descriptor survives `bash -c ... exec taskset ... exec node` because both exec.
 */
export function spawnNode(script: string, args: string[], options: NodeChildOptions = {}): ChildProcess {
  const pin = options.cpu !== undefined && hasTaskset() ? `taskset -c ${options.cpu} ` : '';
  const idle = options.idle && hasIdleScheduling() ? 'chrt --idle 0 ' : '';
  const words = [process.execPath, ...(options.nodeFlags ?? []), script, ...args].map(quote).join(' ');
  return spawn('bash', ['-c', `ulimit -n "$(ulimit -Hn)" && exec ${idle}${pin}${words}`], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...options.env },
  });
}
