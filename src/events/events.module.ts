import { Global, Module } from '@nestjs/common';
import { EventBus } from './event-bus.js';
import { Revocations } from './revocations.js';

/** The in-process event bus every feature emits to, and the revocation signal. */
@Global()
@Module({ providers: [EventBus, Revocations], exports: [EventBus, Revocations] })
export class EventsModule {}
