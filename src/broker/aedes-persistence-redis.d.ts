// aedes-persistence-redis ships no types; the gateway hands its result to Aedes as `persistence`.
declare module 'aedes-persistence-redis' {
  import type { Redis } from 'ioredis';
  export default function aedesPersistenceRedis(opts: { conn?: Redis; maxSessionDelivery?: number }): unknown;
}
