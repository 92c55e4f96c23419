import { All, Controller, Logger, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiError, describeError } from '../common/api-error.js';
import { InboundCallService } from './inbound-call.service.js';

/** Set on every answer, whatever a device replies. */
const ALWAYS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; sandbox",
};

/** `ANY /webhooks/{token}[/{sub/path}]`: no API token — the webhook's token (and basic auth) is the credential. */
@ApiExcludeController()
@Controller('webhooks')
export class InboundEndpointController {
  private readonly logger = new Logger('inbound');

  constructor(private readonly calls: InboundCallService) {}

  @All([':token', ':token/*path'])
  async call(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const raw = (req.params as Record<string, string | string[] | undefined>).path;
    const subPath = Array.isArray(raw) ? raw.join('/') : (raw ?? '');
    res.set(ALWAYS);
    try {
      const out = await this.calls.handle(token, subPath, req);
      res.status(out.status).set(out.headers);
      if (typeof out.body === 'string' || Buffer.isBuffer(out.body)) res.send(out.body);
      else res.json(out.body);
    } catch (err) {
      const { status, message, code } = describeError(err);
      if (status >= 500)
        this.logger.error(
          `inbound call answered ${status} ${code}: ${err instanceof ApiError ? message : String((err as Error)?.stack ?? err)}`,
        );
      if (status === 401) res.set('WWW-Authenticate', 'Basic realm="webhook"');
      if (err instanceof ApiError && 'retryAfter' in err)
        res.set('Retry-After', String((err as { retryAfter: number }).retryAfter));
      res.status(status).json({ error: { message, code } });
    }
  }
}
