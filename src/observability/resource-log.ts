import { Logger } from '@nestjs/common';

const logger = new Logger('resources');
const named = (name?: string) => (name ? ` "${name.replace(/[\r\n"]/g, ' ').slice(0, 80)}"` : '');

/**
 * One `info` line per resource created or deleted (devices, agents, webhooks, inbound webhooks, API tokens), so
 * the log tells what happened to the configuration. Names are the user's: quoted, one line, cut at 80 characters.
 */
export const resourceLog = {
  created(kind: string, orgId: number, id: string | number, name?: string): void {
    logger.log(`${kind} ${id}${named(name)} created in organization ${orgId}`);
  },
  deleted(kind: string, orgId: number, id: string | number, name?: string): void {
    logger.log(`${kind} ${id}${named(name)} deleted from organization ${orgId}`);
  },
};
