import { Module } from '@nestjs/common';
import { EventStreamController } from './event-stream.controller.js';
import { EventStreamService } from './event-stream.service.js';

/** `GET /api/v1/organization/events` (SSE) over the in-process EventBus (global, from EventsModule). */
@Module({ controllers: [EventStreamController], providers: [EventStreamService], exports: [EventStreamService] })
export class EventStreamModule {}
