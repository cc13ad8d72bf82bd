import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
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

/** Version of `node_modules/<name>` under `root` (read directly: some packages do not export package.json). */
function packageVersion(name: string, root = process.cwd()): string | null {
  try {
    return (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The socket.io the Nest adapter really loads: its own nested copy when npm installed one. */
function socketIoUnderNest(): string | null {
  return packageVersion('socket.io', join(process.cwd(), 'node_modules', '@nestjs', 'platform-socket.io')) ?? packageVersion('socket.io');
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
