import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NODE_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

/** The version installed in this repo: what `npm ci` put in the npm cache, so installs stay offline. */
function installedVersion(name: string): string {
  // Read from the file: some packages' "exports" do not expose their package.json.
  return (JSON.parse(readFileSync(join(NODE_MODULES, name, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * Writes a minimal Nest app in `dir`, the way a user starts one (without the nest CLI, which
 * fetches its schematics): it depends on the packed `tarball`, imports `ChannelsModule` and
 * `nestjs-channels/testing`, defines one channel, and prints `listening on http://127.0.0.1:PORT`.
 */
export async function writeFreshApp(dir: string, tarball: string): Promise<void> {
  const dependencies = Object.fromEntries(
    ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/websockets', 'reflect-metadata', 'rxjs'].map(
      (name) => [name, installedVersion(name)],
    ),
  );
  const packageJson = {
    name: 'fresh-nest-app',
    private: true,
    type: 'module',
    dependencies: { 'nestjs-channels': `file:${tarball}`, ...dependencies },
    devDependencies: { '@types/node': installedVersion('@types/node') },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      strict: true,
      skipLibCheck: true,
      types: ['node'],
      rootDir: 'src',
      outDir: 'dist',
    },
    include: ['src'],
  };
  await mkdir(join(dir, 'src'), { recursive: true });
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  await writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  await writeFile(join(dir, 'src', 'main.ts'), MAIN_TS);
}

const MAIN_TS = `import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Channel, ChannelsModule, HandleIn, Join, Payload, Topic } from 'nestjs-channels';
import { ChannelsTestHarness } from 'nestjs-channels/testing';

@Channel('echo:*')
class EchoChannel {
  @Join()
  join(@Topic() topic: string): { joined: string } {
    return { joined: topic };
  }

  @HandleIn('ping')
  ping(@Payload('n') n: number): { pong: number } {
    return { pong: n + 1 };
  }
}

@Module({ imports: [ChannelsModule.forRoot()], providers: [EchoChannel] })
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
app.enableShutdownHooks();
await app.listen(0, '127.0.0.1');
const { port } = app.getHttpServer().address() as { port: number };
console.log(\`testing entry point: \${typeof ChannelsTestHarness.create}\`);
console.log(\`listening on http://127.0.0.1:\${port}\`);
`;
