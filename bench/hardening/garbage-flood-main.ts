import { setPriority } from 'node:os';
import { serveCommands } from '../harness/ipc.js';
import { flood, type FloodPlan } from './garbage-flood.js';

/**
 * The malformed-frame flood in a process of its own, at a lower CPU priority than the healthy
 * clients it shares a core with: the soak measures what the garbage costs the server, so the
 * load generator must not delay the clients that measure it. The soak starts it under SCHED_IDLE
 * where `chrt` exists; the lower nice value is the fallback.
 */
setPriority(10);
serveCommands({ flood: (plan: FloodPlan) => flood(plan) }, {});
