import { Module } from '@nestjs/common';
import { NAME_LOOKUP } from './name-lookup.js';
import { TenancyModule } from '../tenancy/tenancy.module.js';
import { TemplatesController } from './templates.controller.js';
import { TemplatesService } from './templates.service.js';

/** Device templates (Blynk's products) and the names the callback placeholders read. */
@Module({
  imports: [TenancyModule],
  controllers: [TemplatesController],
  providers: [TemplatesService, { provide: NAME_LOOKUP, useExisting: TemplatesService }],
  exports: [TemplatesService, NAME_LOOKUP],
})
export class TemplatesModule {}
