import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Controller, Get, Header, Inject, StreamableFile } from '@nestjs/common';
import { CLIENT_SCRIPT, type ClientScript } from './client-script.js';

// Same relative place from sample/src/web (tests) and sample/dist/web (npm start).
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));
// The phoenix package exports only its entry points: find its ES module next to the CommonJS one.
const PHOENIX_MJS = join(dirname(createRequire(import.meta.url).resolve('phoenix')), 'phoenix.mjs');

const HTML = 'text/html; charset=utf-8';
const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * The chat page and its assets, including the official phoenix client and the library's recovery
 * helper, served without a build step.
 */
@Controller()
export class WebController {
  constructor(@Inject(CLIENT_SCRIPT) private readonly clientScript: ClientScript) {}

  @Get()
  page(): Promise<StreamableFile> {
    return serve(join(PUBLIC_DIR, 'index.html'), HTML);
  }

  @Get('app.js')
  script(): Promise<StreamableFile> {
    return serve(join(PUBLIC_DIR, 'app.js'), JAVASCRIPT);
  }

  @Get('app.css')
  styles(): Promise<StreamableFile> {
    return serve(join(PUBLIC_DIR, 'app.css'), CSS);
  }

  @Get('vendor/phoenix.mjs')
  @Header('Cache-Control', 'public, max-age=3600')
  phoenix(): Promise<StreamableFile> {
    return serve(PHOENIX_MJS, JAVASCRIPT);
  }

  @Get('vendor/nestjs-channels-client.js')
  @Header('Cache-Control', 'public, max-age=3600')
  recoveryHelper(): Promise<StreamableFile> {
    return serve(this.clientScript(), JAVASCRIPT);
  }
}

async function serve(path: string, type: string): Promise<StreamableFile> {
  return new StreamableFile(await readFile(path), { type });
}
