import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/page.js';
import { DEVICE_ID_PATTERN, DEVICE_ID_RULE } from '../devices/device.model.js';

export class CreateTemplateDto {
  @ApiPropertyOptional({
    example: 'TMPL0001',
    description: 'Chosen by the caller, or generated (TMPL…); devices name it in templateId',
  })
  @IsOptional()
  @Matches(DEVICE_ID_PATTERN, { message: `id must match ${DEVICE_ID_RULE}` })
  id?: string;
  @ApiProperty({ example: 'Water pump', description: 'Template name, 1 to 100 characters' })
  @IsString()
  @Length(1, 100, { message: 'name must be 1 to 100 characters' })
  name!: string;
  @ApiPropertyOptional({ example: 'Pumps of the north site', description: 'Free text, at most 1024 characters' })
  @IsOptional()
  @IsString()
  @MaxLength(1024, { message: 'description must be at most 1024 characters' })
  description?: string;
}

export class UpdateTemplateDto extends PartialType(PickType(CreateTemplateDto, ['name', 'description'] as const)) {}

/** Our list envelope (common/page.ts). */
export class ListTemplatesQuery extends PageQuery {}
