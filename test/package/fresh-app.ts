import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// What the fresh apps outside the repo have in common: their dependencies and their channel.

const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/** The version installed in this repo: what `npm ci` put in the npm cache, so installs stay offline. */
export function installedVersion(name: string): string {
  // Read from the file: some packages' "exports" do not expose their package.json.
  return (JSON.parse(readFileSync(join(NODE_MODULES, name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Tools the repo does not use, from the registry, pinned so that a new release cannot fail the
 * test: TypeScript 5 (a CommonJS app's compiler today; 7 dropped `moduleResolution: node10`) and
 * the vitest and vite of Nest 12's `nest new` (vitest 5 asks for Node 22).
 */
export const REGISTRY_VERSIONS = { typescript: '5.9.3', vitest: '4.1.12', vite: '8.4.1' };

/** A Nest app's dependencies on the packed `tarball` and on Nest, as the repo has them. */
export function appDependencies(tarball: string): Record<string, string> {
  const nest = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/websockets', 'reflect-metadata', 'rxjs', 'class-validator', 'class-transformer'];
  return { 'nestjs-channels': `file:${tarball}`, ...Object.fromEntries(nest.map((name) => [name, installedVersion(name)])) };
}

/**
 * Compiler options every fresh app builds with: Nest's decorators, and the package's declarations
 * checked too (no skipLibCheck). The apps' other tsconfigs only type-check, with skipLibCheck:
 * they prove how the entry points resolve, and TypeScript 5 checks Nest's declarations slowly.
 */
export const BASE_COMPILER_OPTIONS = {
  target: 'ES2022',
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  strict: true,
  skipLibCheck: false,
  types: ['node'],
};

/** What the type-check-only tsconfigs add. */
export const CHECK_ONLY = { noEmit: true, skipLibCheck: true };

/**
 * `src/echo.channel.ts`: one channel whose service comes in through its constructor, so Nest
 * resolves it only when the compiler emitted the decorators' design-time metadata, and a handler
 * whose DTO goes through \`ValidationPipe\` (which nestjs-channels compiles, loading class-validator
 * and class-transformer from the app).
 */
export const ECHO_CHANNEL_TS = `import { Injectable, Module, UsePipes, ValidationPipe } from '@nestjs/common';
import { IsString } from 'class-validator';
import { Channel, ChannelsModule, HandleIn, Join, Payload, Topic } from 'nestjs-channels';

export class SayDto {
  @IsString()
  text!: string;
}

@Injectable()
export class Counter {
  next(n: number): number {
    return n + 1;
  }
}

@Channel('echo:*')
export class EchoChannel {
  constructor(private readonly counter: Counter) {}

  @Join()
  join(@Topic() topic: string): { joined: string } {
    return { joined: topic };
  }

  @HandleIn('ping')
  ping(@Payload('n') n: number): { pong: number } {
    return { pong: this.counter.next(n) };
  }

  @HandleIn('say')
  @UsePipes(new ValidationPipe())
  say(@Payload() say: SayDto): { said: string } {
    return { said: say.text };
  }
}

@Module({ imports: [ChannelsModule.forRoot()], providers: [Counter, EchoChannel] })
export class AppModule {}
`;

/** Writes `files` under `dir`: strings as they are, anything else as JSON. */
export async function writeFiles(dir: string, files: Record<string, unknown>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  }
}
