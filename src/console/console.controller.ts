import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CONSOLE_ASSETS_DIR, CONSOLE_HEADERS, consoleBuilt } from './console-assets.js';

const ASSET = /^[A-Za-z0-9._-]+$/;

/** The web console: index.html at /console, hashed bundles at /console/assets/*; no API token needed to load it. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  @Get()
  index(@Res() res: Response): void {
    res.set(CONSOLE_HEADERS).set('Cache-Control', 'no-cache');
    if (!consoleBuilt()) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build`.');
      return;
    }
    res.sendFile('index.html', { root: CONSOLE_ASSETS_DIR });
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Response): void {
    res.set(CONSOLE_HEADERS);
    if (!ASSET.test(file)) {
      res.status(404).json({ error: { message: 'Asset not found', code: 'NotFound' } });
      return;
    }
    // Bundle names carry a content hash, so they may be cached for good.
    res.sendFile(`assets/${file}`, { root: CONSOLE_ASSETS_DIR, immutable: true, maxAge: '365d' }, (err) => {
      if (err && !res.headersSent) res.status(404).json({ error: { message: 'Asset not found', code: 'NotFound' } });
    });
  }
}
