import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_PAGE } from './json-limits.js';

/**
 * The one list envelope of our own resources (devices, agents, users, tokens, templates, deliveries):
 * `{items, page, size, total}`, `page` 0-based. Lists a seed shapes keep the seed's shape (Blynk's webhooks: an
 * array; Losant's inbound webhooks: its collection).
 */
export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}

/** A query's 0-based page number (validated, converted from the query string, documented). */
export const PageNumber = () =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, description: '0-based page' }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(0),
    Max(MAX_PAGE),
  );

/** A query's page size, from 1 to `max`. */
export const PageSize = (max: number, byDefault: number) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: max, default: byDefault, description: 'Page size' }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );

export class PageQuery {
  @PageNumber() page = 0;
  @PageSize(1000, 50) size = 50;
}

export function pageOf<T>(all: readonly T[], q: { page: number; size: number }): Page<T> {
  return { items: all.slice(q.page * q.size, (q.page + 1) * q.size), page: q.page, size: q.size, total: all.length };
}
