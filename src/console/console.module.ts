import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller.js';

/** The web console, built from console/ into dist/console-ui (it signs in with GET /tokens/current). */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
