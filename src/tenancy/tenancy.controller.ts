import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  ApiTokenPageView,
  CreatedApiTokenView,
  CreatedOrganizationView,
  CurrentTokenView,
  OrganizationView,
  UserPageView,
  UserView,
} from './tenancy.view.js';
import { pageOf, PageQuery } from '../common/page.js';
import { ApiError } from '../common/api-error.js';
import type { AuthedRequest } from './auth.guard.js';
import { ANY_VALID_TOKEN, RequireScope } from './scopes.js';
import { CreateOrganizationDto, CreateTokenDto, CreateUserDto, UpdateUserDto } from './tenancy.dto.js';
import { TenancyService } from './tenancy.service.js';
import { UsersService } from './users.service.js';
import { IntParam } from '../common/int-param.js';

@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization')
export class TenancyController {
  constructor(
    private readonly tenancy: TenancyService,
    private readonly users: UsersService,
  ) {}

  /** A sub-organization, with an admin token for it shown once. Announced to the creating org's webhooks. */
  @Post('organizations')
  @ApiOperation({ summary: 'Create a sub-organization with its admin token (shown once)' })
  @ApiCreatedResponse({ type: CreatedOrganizationView })
  @RequireScope('organizations.post')
  createOrganization(@Req() req: AuthedRequest, @Body() dto: CreateOrganizationDto) {
    return this.tenancy.createSubOrganization(req.auth.orgId, dto.name);
  }

  @Get()
  @ApiOperation({ summary: "The token's organization (or ?orgId= a sub-organization)" })
  @ApiOkResponse({ type: OrganizationView })
  @RequireScope('organization.get')
  async organization(@Req() req: AuthedRequest) {
    const org = await this.tenancy.findOrganization(req.auth.orgId);
    if (!org) throw ApiError.notFound('Organization');
    return org;
  }

  @Get('users')
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: UserPageView })
  @RequireScope('users.get')
  async listUsers(@Req() req: AuthedRequest, @Query() q: PageQuery) {
    return pageOf(await this.users.list(req.auth.orgId), q);
  }

  @Post('users')
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserView })
  @RequireScope('users.post')
  createUser(@Req() req: AuthedRequest, @Body() dto: CreateUserDto) {
    return this.users.create(req.auth.orgId, dto);
  }

  @Patch('users/:id')
  @ApiOperation({ summary: 'Update a user' })
  @ApiOkResponse({ type: UserView })
  @RequireScope('user.patch')
  updateUser(@Req() req: AuthedRequest, @Param('id', new IntParam('user id')) id: number, @Body() dto: UpdateUserDto) {
    return this.users.update(req.auth.orgId, id, dto);
  }

  @Get('users/:id')
  @ApiOperation({ summary: 'Get a user' })
  @ApiOkResponse({ type: UserView })
  @RequireScope('user.get')
  user(@Req() req: AuthedRequest, @Param('id', new IntParam('user id')) id: number) {
    return this.users.get(req.auth.orgId, id);
  }

  @Delete('users/:id')
  @ApiOperation({ summary: 'Delete a user' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @HttpCode(204)
  @RequireScope('user.delete')
  deleteUser(@Req() req: AuthedRequest, @Param('id', new IntParam('user id')) id: number) {
    return this.users.remove(req.auth.orgId, id);
  }

  @Get('tokens')
  @ApiOperation({ summary: 'List API tokens' })
  @ApiOkResponse({ type: ApiTokenPageView })
  @RequireScope('tokens.get')
  async tokens(@Req() req: AuthedRequest, @Query() q: PageQuery) {
    return pageOf(await this.tenancy.listTokens(req.auth.orgId), q);
  }

  /** Who the presented token is, whatever its scopes: the console signs in with it. */
  @Get('tokens/current')
  @ApiOperation({ summary: 'The presented API token: {id, orgId, name, scopes}' })
  @ApiOkResponse({ type: CurrentTokenView })
  @RequireScope(ANY_VALID_TOKEN)
  currentToken(@Req() req: AuthedRequest) {
    const { tokenId, orgId, name, scopes } = req.auth;
    return { id: tokenId, orgId, name, scopes };
  }

  /** The token's clear text is in this response only. */
  @Post('tokens')
  @ApiOperation({ summary: 'Create an API token (shown once)' })
  @ApiCreatedResponse({ type: CreatedApiTokenView })
  @RequireScope('tokens.post')
  createToken(@Req() req: AuthedRequest, @Body() dto: CreateTokenDto) {
    return this.tenancy.issueToken(req.auth, dto.name, dto.scopes);
  }

  @Delete('tokens/:id')
  @ApiOperation({ summary: 'Revoke an API token' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @HttpCode(204)
  @RequireScope('token.delete')
  async deleteToken(@Req() req: AuthedRequest, @Param('id', new IntParam('token id')) id: number) {
    if (!(await this.tenancy.revokeToken(req.auth.orgId, id))) throw ApiError.notFound('Token');
  }
}
