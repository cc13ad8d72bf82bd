import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

/**
 * The V8 sampling profiler that `node --cpu-prof` drives, started and stopped around one
 * measurement window so that boot and connects stay out of the profile.
 */
export class CpuProfiler {
  private session: Session | null = null;

  async start(samplingIntervalUs = 100): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await this.post('Profiler.start');
  }

  /** Stops, writes the `.cpuprofile` (loadable in Chrome DevTools) to `path`, returns `path`. */
  async stop(path: string): Promise<string> {
    const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
    this.session?.disconnect();
    this.session = null;
    writeFileSync(path, JSON.stringify(profile));
    return path;
  }

  private post(method: string, params: object = {}): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.session!.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  }
}
