import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { hasTaskset } from './child-process.js';

/** What the results were measured on, printed above every table. */
export interface MachineDescription {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  loadAverageAtStart: number[];
  pinning: string;
  openFilesLimit: string;
  packages: Record<string, string>;
}

/**
 * The directory of the package `name` that code in `from` loads: the first `node_modules/<name>`
 * up the tree, as Node looks. The bench's own packages are in `bench/node_modules`, the library's
 * (ws, @nestjs/*) in the repository's.
 */
function packageDir(name: string, from = fileURLToPath(new URL('.', import.meta.url))): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Version of the package `name` loaded from `from` (read directly: some packages do not export package.json). */
function packageVersion(name: string, from?: string): string | null {
  const dir = packageDir(name, from);
  return dir ? (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version : null;
}

/** The socket.io the Nest adapter really loads: its own nested copy when npm installed one. */
function socketIoUnderNest(): string | null {
  const adapter = packageDir('@nestjs/platform-socket.io');
  return adapter ? packageVersion('socket.io', adapter) : null;
}

function hardOpenFilesLimit(): string {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    return /Max open files\s+(\S+)\s+(\S+)/.exec(limits)?.[2] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): MachineDescription {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((load) => Math.round(load * 100) / 100),
    pinning: hasTaskset() ? 'taskset: server on CPU 0, clients on CPU 1' : 'none (taskset not found)',
    openFilesLimit: hardOpenFilesLimit(),
    packages: {
      ...Object.fromEntries(
        ['ws', '@nestjs/core', '@nestjs/platform-socket.io', 'socket.io-client'].map((name) => [name, packageVersion(name) ?? 'missing']),
      ),
      'socket.io (under @nestjs/platform-socket.io)': socketIoUnderNest() ?? 'missing',
    },
  };
}

/** One line for the table headers. */
export function machineLine(machine: MachineDescription): string {
  return (
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; ` +
    `${machine.pinning}; load average at start ${machine.loadAverageAtStart.join(' / ')}`
  );
}
