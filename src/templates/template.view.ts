// What the template API answers (the OpenAPI document's response schemas).
import { ApiProperty, ApiSchema } from '@nestjs/swagger';

const MS = 1707244800000;

@ApiSchema({ name: 'Template', description: "A device template (Blynk's product): devices name it in templateId" })
export class TemplateView {
  @ApiProperty({ example: 'TMPL0001', description: 'Template ID' }) id!: string;
  @ApiProperty({ type: 'integer', example: 101, description: 'Organization ID' }) orgId!: number;
  @ApiProperty({ example: 'Water pump', description: 'Template name' }) name!: string;
  @ApiProperty({ example: 'Pumps of the north site', description: 'Free text' }) description!: string;
  @ApiProperty({ type: 'integer', format: 'int64', example: MS, description: 'Creation timestamp in milliseconds' })
  createdAt!: number;
  @ApiProperty({ type: 'integer', format: 'int64', example: MS, description: 'Last modification in milliseconds' })
  lastModifiedTs!: number;
}

@ApiSchema({ name: 'TemplatePage', description: 'A page of templates' })
export class TemplatePageView {
  @ApiProperty({ type: TemplateView, isArray: true, description: 'The templates of this page' }) items!: TemplateView[];
  @ApiProperty({ type: 'integer', example: 0, description: '0-based page' }) page!: number;
  @ApiProperty({ type: 'integer', example: 50, description: 'Page size' }) size!: number;
  @ApiProperty({ type: 'integer', example: 1, description: 'Templates in all' }) total!: number;
}
