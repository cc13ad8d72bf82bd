import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const READY = /listening on http:\/\/127\.0\.0\.1:(\d+)/;

/**
 * The environment without what `npm test` and jest add (npm_config_*, JEST_WORKER_ID, ...), so
 * nested npm, jest and vitest runs see only their own folder.
 */
export const cleanEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(npm_|INIT_CWD$|JEST_WORKER_ID$)/i.test(name)),
);

/** Runs `command` in `cwd`; rejects with its output when it exits non-zero. */
export async function sh(command: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(command, args, { cwd, env: cleanEnv, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}\n${stdout}\n${stderr}`, { cause: error });
  }
}

/** Runs `node` with `args` in `cwd`, under the Node that runs the tests. */
export const node = (args: string[], cwd: string) => sh(process.execPath, args, cwd);

export interface RunningApp {
  port: number;
  /** Everything the app printed until its ready line. */
  output: string;
  stop(): void;
}

/** Starts `node <main>` in `cwd` and resolves once it prints its ready line. */
export async function startApp(main: string, cwd: string, timeoutMs = 30_000): Promise<RunningApp> {
  const child = spawn(process.execPath, [main], { cwd, env: cleanEnv });
  try {
    const { port, output } = await readyPort(child, timeoutMs);
    return { port, output, stop: () => child.kill('SIGKILL') };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

/** Resolves with the port of the app's ready line; rejects with its output if it exits first. */
function readyPort(child: ChildProcess, timeoutMs: number): Promise<{ port: number; output: string }> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`the fresh app did not start: ${why}\n${output}`));
    };
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = READY.exec(output);
      if (!ready) return;
      clearTimeout(timer);
      resolve({ port: Number(ready[1]), output });
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => fail(`it exited with ${code}`));
  });
}

/** What jest's `--json` and vitest's json reporter both write. */
export interface SpecReport {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
}

/** The passed and failed test names of a report, with the failure messages. */
export function outcomes(report: SpecReport): { passed: string[]; failed: string[] } {
  const assertions = report.testResults.flatMap((file) => file.assertionResults);
  return {
    passed: assertions.filter((a) => a.status === 'passed').map((a) => a.fullName),
    failed: assertions.filter((a) => a.status !== 'passed').map((a) => `${a.fullName}: ${a.failureMessages.join('\n')}`),
  };
}
