// The error bodies of the three API families (the OpenAPI document's error schemas; api-error.ts makes them).
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';

@ApiSchema({ name: 'FieldError', description: 'One invalid field of a request' })
export class FieldErrorView {
  @ApiProperty({ example: 'dataTrigger.condition.value', description: 'Where, as a path into the body' }) path!: string;
  @ApiProperty({ example: 'condition.value must be a number for gt', description: 'What is wrong' }) message!: string;
}

@ApiSchema({ name: 'ErrorDetail', description: 'What went wrong' })
export class ErrorDetailView {
  @ApiProperty({ example: 'Webhook not found', description: 'A sentence naming the problem' }) message!: string;
  @ApiProperty({ example: 'NotFound', description: 'A stable code' }) code!: string;
  @ApiPropertyOptional({
    type: FieldErrorView,
    isArray: true,
    description: 'A 400 about the request: every invalid field at once, with its path',
  })
  fields?: FieldErrorView[];
}

@ApiSchema({ name: 'Error', description: 'An error of our own and Blynk-shaped paths' })
export class ErrorView {
  @ApiProperty({ type: ErrorDetailView, description: 'What went wrong' }) error!: ErrorDetailView;
}

@ApiSchema({ name: 'BoldError', description: "Bold's error body (seed 002)" })
export class BoldErrorView {
  @ApiProperty({ example: 'Unsupported protocol: We only support https for now.', description: 'What is wrong' })
  message!: string;
  @ApiProperty({ example: 'WebhookUnsupportedProtocol', description: 'A stable code' }) code!: string;
  @ApiPropertyOptional({
    example: 'Unsupported protocol: We only support https for now.',
    description: 'Same as message',
  })
  errorMessage?: string;
  @ApiPropertyOptional({ example: 'WebhookUnsupportedProtocol', description: 'Same as code' }) errorCode?: string;
}

@ApiSchema({ name: 'LosantError', description: "Losant's error body (seed 003)" })
export class LosantErrorView {
  @ApiProperty({ example: 'NotFound', description: 'Error type: Validation, Unauthorized, NotFound …' }) type!: string;
  @ApiProperty({ example: 'Webhook was not found', description: 'What is wrong' }) message!: string;
}

export const ERROR_MODELS = [ErrorView, BoldErrorView, LosantErrorView];
