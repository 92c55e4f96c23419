import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { DuplicateKeyError, STORAGE, type StorageDriver } from '../storage/ports.js';
import type { AuthedRequest } from './auth.guard.js';
import { RequireScope, scopeWithin } from './scopes.js';
import { EventBus } from '../events/event-bus.js';
import type { EventKind } from '../events/device-event.js';
import { CreateOrganizationDto, CreateTokenDto, CreateUserDto, UpdateUserDto } from './tenancy.dto.js';
import { TenancyService } from './tenancy.service.js';

@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization')
export class TenancyController {
  constructor(
    private readonly tenancy: TenancyService,
    @Inject(STORAGE) private readonly storage: StorageDriver,
    private readonly bus: EventBus,
  ) {}

  /** User and organization lifecycle events (NEW_USER, UPDATED_USER, DELETED_USER, ORGANIZATION_ADDED). */
  private emit(orgId: number, kind: EventKind, value: unknown): void {
    this.bus.emit({ orgId, deviceId: '', kind, key: '', value, ts: Date.now(), seq: 0 });
  }

  /** A sub-organization, with an admin token for it shown once. Announced to the creating org's webhooks. */
  @Post('organizations')
  @RequireScope('organizations.post')
  async createOrganization(@Req() req: AuthedRequest, @Body() dto: CreateOrganizationDto) {
    const org = await this.tenancy.createOrganization(dto.name);
    const { token } = await this.tenancy.createToken(org.id, 'admin', ['all.Organization']);
    this.emit(req.auth.orgId, 'organization.added', org);
    return { ...org, adminToken: token };
  }

  @Get()
  @RequireScope('organization.get')
  async organization(@Req() req: AuthedRequest) {
    const org = await this.tenancy.findOrganization(req.auth.orgId);
    if (!org) throw ApiError.notFound('Organization');
    return org;
  }

  @Get('users')
  @RequireScope('users.get')
  users(@Req() req: AuthedRequest) {
    return this.storage.users.list(req.auth.orgId);
  }

  @Post('users')
  @RequireScope('users.post')
  async createUser(@Req() req: AuthedRequest, @Body() dto: CreateUserDto) {
    try {
      const user = await this.storage.users.create({ orgId: req.auth.orgId, email: dto.email, name: dto.name });
      this.emit(user.orgId, 'user.added', user);
      return user;
    } catch (e) {
      if (e instanceof DuplicateKeyError) throw ApiError.conflict(`a user with email ${dto.email} already exists`);
      throw e;
    }
  }

  @Patch('users/:id')
  @RequireScope('user.patch')
  async updateUser(@Req() req: AuthedRequest, @Param('id', ParseIntPipe) id: number, @Body() dto: UpdateUserDto) {
    let user;
    try {
      user = await this.storage.users.update(
        req.auth.orgId,
        id,
        Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)),
      );
    } catch (e) {
      if (e instanceof DuplicateKeyError) throw ApiError.conflict(`a user with email ${dto.email} already exists`);
      throw e;
    }
    if (!user) throw ApiError.notFound('User');
    this.emit(user.orgId, 'user.updated', user);
    return user;
  }

  @Get('users/:id')
  @RequireScope('user.get')
  async user(@Req() req: AuthedRequest, @Param('id', ParseIntPipe) id: number) {
    return (
      (await this.storage.users.findById(req.auth.orgId, id)) ??
      (() => {
        throw ApiError.notFound('User');
      })()
    );
  }

  @Delete('users/:id')
  @HttpCode(204)
  @RequireScope('user.delete')
  async deleteUser(@Req() req: AuthedRequest, @Param('id', ParseIntPipe) id: number) {
    const user = await this.storage.users.findById(req.auth.orgId, id);
    if (!user || !(await this.storage.users.delete(req.auth.orgId, id))) throw ApiError.notFound('User');
    this.emit(user.orgId, 'user.deleted', user);
  }

  @Get('tokens')
  @RequireScope('tokens.get')
  async tokens(@Req() req: AuthedRequest) {
    return (await this.storage.tokens.list(req.auth.orgId)).map(({ tokenHash: _h, ...t }) => t);
  }

  /** The token's clear text is in this response only. */
  @Post('tokens')
  @RequireScope('tokens.post')
  async createToken(@Req() req: AuthedRequest, @Body() dto: CreateTokenDto) {
    const beyond = dto.scopes.filter((s) => !scopeWithin(req.auth.scopes, s));
    if (beyond.length > 0)
      throw new ApiError(
        403,
        'Forbidden',
        `scopes: ${beyond.join(', ')} exceed the scopes of the token making the request`,
      );
    const { record, token } = await this.tenancy.createToken(req.auth.orgId, dto.name, dto.scopes);
    const { tokenHash: _h, ...rest } = record;
    return { ...rest, token };
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  @RequireScope('token.delete')
  async deleteToken(@Req() req: AuthedRequest, @Param('id', ParseIntPipe) id: number) {
    if (!(await this.tenancy.revokeToken(req.auth.orgId, id))) throw ApiError.notFound('Token');
  }
}
