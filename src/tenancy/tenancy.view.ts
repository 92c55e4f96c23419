// What the organization, user, token and notification APIs answer (the OpenAPI document's response schemas).
import { ApiProperty, ApiSchema } from '@nestjs/swagger';

const MS = 1707244800000;
const int = (description: string, example: number, nullable = false) =>
  ApiProperty({ type: 'integer', nullable, example, description });
const ms = (description: string) => ApiProperty({ type: 'integer', format: 'int64', example: MS, description });

@ApiSchema({ name: 'Organization', description: 'An organization (Blynk: orgId)' })
export class OrganizationView {
  @int('Organization ID', 101) id!: number;
  @ApiProperty({ example: 'Acme', description: 'Organization name' }) name!: string;
  @int('The organization it is a sub-organization of (null: top level)', 1, true) parentId!: number | null;
  @ms('Creation timestamp in milliseconds') createdAt!: number;
}

@ApiSchema({ name: 'CreatedOrganization', description: 'A new sub-organization with its admin token (shown once)' })
export class CreatedOrganizationView extends OrganizationView {
  @ApiProperty({ example: 'gw_8c1d4e7f2a9b3c6d5e0f', description: 'An API token with every scope in it, shown once' })
  adminToken!: string;
}

@ApiSchema({ name: 'User', description: 'A user of the organization (webhook failure notices go to users)' })
export class UserView {
  @int('User ID', 7) id!: number;
  @int('Organization ID', 101) orgId!: number;
  @ApiProperty({ example: 'ops@example.com', description: 'E-mail address (notices are mailed there)' })
  email!: string;
  @ApiProperty({ example: 'Ops team', description: 'Display name' }) name!: string;
  @ms('Creation timestamp in milliseconds') createdAt!: number;
}

@ApiSchema({ name: 'UserPage', description: 'A page of users' })
export class UserPageView {
  @ApiProperty({ type: UserView, isArray: true, description: 'The users of this page' }) items!: UserView[];
  @int('0-based page', 0) page!: number;
  @int('Page size', 50) size!: number;
  @int('Users in all', 1) total!: number;
}

@ApiSchema({ name: 'ApiToken', description: 'An API token (its clear text is shown once, at creation)' })
export class ApiTokenView {
  @int('Token ID', 3) id!: number;
  @int('Organization ID', 101) orgId!: number;
  @ApiProperty({ example: 'ci', description: 'Token name' }) name!: string;
  @ApiProperty({ type: 'string', isArray: true, example: ['devices.*', 'mqtt.*'], description: 'What it may do' })
  scopes!: string[];
  @ms('Creation timestamp in milliseconds') createdAt!: number;
}

@ApiSchema({ name: 'CreatedApiToken', description: 'A new API token with its clear text (shown once)' })
export class CreatedApiTokenView extends ApiTokenView {
  @ApiProperty({ example: 'gw_8c1d4e7f2a9b3c6d5e0f', description: 'The bearer token, shown once' }) token!: string;
}

@ApiSchema({ name: 'ApiTokenPage', description: 'A page of API tokens' })
export class ApiTokenPageView {
  @ApiProperty({ type: ApiTokenView, isArray: true, description: 'The tokens of this page' }) items!: ApiTokenView[];
  @int('0-based page', 0) page!: number;
  @int('Page size', 50) size!: number;
  @int('Tokens in all', 1) total!: number;
}

@ApiSchema({ name: 'CurrentToken', description: 'The presented API token' })
export class CurrentTokenView {
  @int('Token ID', 3) id!: number;
  @int('Organization ID', 101) orgId!: number;
  @ApiProperty({ example: 'ci', description: 'Token name' }) name!: string;
  @ApiProperty({ type: 'string', isArray: true, example: ['devices.*', 'mqtt.*'], description: 'What it may do' })
  scopes!: string[];
}

@ApiSchema({ name: 'Notification', description: 'A notice to a user: a webhook of theirs was disabled due to errors' })
export class NotificationView {
  @int('Notification ID', 1) id!: number;
  @int('Organization ID', 101) orgId!: number;
  @int('User ID', 7) userId!: number;
  @ApiProperty({ example: 'webhook.disabled', description: 'What happened' }) kind!: string;
  @ApiProperty({ example: 'Webhook "Hot pump" disabled', description: 'One line' }) title!: string;
  @ApiProperty({ example: 'It failed 10 times in a row …', description: 'What happened and what to do' })
  message!: string;
  @int('The webhook concerned', 1, true) webhookId!: number | null;
  @ms('Creation timestamp in milliseconds') createdAt!: number;
}
