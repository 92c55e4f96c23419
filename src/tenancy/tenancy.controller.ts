import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseIntPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiError } from '../common/api-error.js';
import { DuplicateKeyError, STORAGE, type StorageDriver } from '../storage/ports.js';
import type { AuthedRequest } from './auth.guard.js';
import { RequireScope } from './scopes.js';
import { CreateTokenDto, CreateUserDto } from './tenancy.dto.js';
import { TenancyService } from './tenancy.service.js';

@ApiTags('organization')
@ApiBearerAuth()
@Controller('api/v1/organization')
export class TenancyController {
  constructor(private readonly tenancy: TenancyService, @Inject(STORAGE) private readonly storage: StorageDriver) {}

  @Get()
  @RequireScope('organization.get')
  async organization(@Req() req: AuthedRequest) {
    const org = await this.tenancy.findOrganization(req.auth.orgId);
    if (!org) throw ApiError.notFound('Organization');
    return org;
  }

  @Get('users')
  @RequireScope('users.get')
  users(@Req() req: AuthedRequest) { return this.storage.users.list(req.auth.orgId); }

  @Post('users')
  @RequireScope('users.post')
  async createUser(@Req() req: AuthedRequest, @Body() dto: CreateUserDto) {
    try {
      return await this.storage.users.create({ orgId: req.auth.orgId, email: dto.email, name: dto.name });
    } catch (e) {
      if (e instanceof DuplicateKeyError) throw ApiError.conflict(`a user with email ${dto.email} already exists`);
      throw e;
    }
  }

  @Get('users/:id')
  @RequireScope('user.get')
  async user(@Req() req: AuthedRequest, @Param('id', ParseIntPipe) id: number) {
    return (await this.storage.users.findById(req.auth.orgId, id)) ?? (() => { throw ApiError.notFound('User'); })();
  }

  @Delete('users/:id')
  @HttpCode(204)
  @RequireScope('user.delete')
  async deleteUser(@Req() req: AuthedRequest, @Param('id', ParseIntPipe) id: number) {
    if (!(await this.storage.users.delete(req.auth.orgId, id))) throw ApiError.notFound('User');
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
    const { record, token } = await this.tenancy.createToken(req.auth.orgId, dto.name, dto.scopes);
    const { tokenHash: _h, ...rest } = record;
    return { ...rest, token };
  }

  @Delete('tokens/:id')
  @HttpCode(204)
  @RequireScope('token.delete')
  async deleteToken(@Req() req: AuthedRequest, @Param('id', ParseIntPipe) id: number) {
    if (!(await this.storage.tokens.delete(req.auth.orgId, id))) throw ApiError.notFound('Token');
  }
}
