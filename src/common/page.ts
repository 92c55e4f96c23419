import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

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

export class PageQuery {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, default: 0, description: '0-based page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  page = 0;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 1000, default: 50, description: 'Page size' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  size = 50;
}

export function pageOf<T>(all: readonly T[], q: { page: number; size: number }): Page<T> {
  return { items: all.slice(q.page * q.size, (q.page + 1) * q.size), page: q.page, size: q.size, total: all.length };
}
