import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller.js';
import { CurrentTokenController } from './current-token.controller.js';

/** The web console (built from console/ into dist/console-ui) and the endpoint it signs in with. */
@Module({ controllers: [ConsoleController, CurrentTokenController] })
export class ConsoleModule {}
