import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEVICE_ID_PATTERN, DEVICE_ID_RULE } from '../devices/device.model.js';

export class CreateTemplateDto {
  @ApiPropertyOptional({ description: 'chosen by the caller, or generated (TMPL…); devices name it in templateId' })
  @IsOptional()
  @Matches(DEVICE_ID_PATTERN, { message: `id must match ${DEVICE_ID_RULE}` })
  id?: string;
  @ApiProperty() @IsString() @Length(1, 100, { message: 'name must be 1 to 100 characters' }) name!: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024, { message: 'description must be at most 1024 characters' })
  description?: string;
}

export class UpdateTemplateDto extends PartialType(PickType(CreateTemplateDto, ['name', 'description'] as const)) {}

/** Our list envelope: 0-based `page`, `size` per page. */
export class ListTemplatesQuery {
  @ApiPropertyOptional({ description: '0-based page', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  page = 0;
  @ApiPropertyOptional({ default: 50, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  size = 50;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() orgId?: number;
}
