import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';
import { KNOWN_SCOPE } from './scopes.js';

export class CreateUserDto {
  @ApiProperty({ example: 'ops@example.com', description: 'E-mail address (notices are mailed there)' })
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email!: string;
  @ApiProperty({ example: 'Ops team', description: 'Display name, 1 to 100 characters' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'ops@example.com', description: 'E-mail address' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email?: string;
  @ApiPropertyOptional({ example: 'Ops team', description: 'Display name, 1 to 100 characters' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;
}

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Acme North', description: 'Organization name, 1 to 100 characters' })
  @IsString()
  @Length(1, 100)
  name!: string;
}

export class CreateTokenDto {
  @ApiProperty({ example: 'ci', description: 'Token name, 1 to 100 characters' })
  @IsString()
  @Length(1, 100)
  name!: string;
  @ApiProperty({
    example: ['devices.*', 'mqtt.*'],
    description: 'What it may do (within the caller’s own scopes): all.Organization, devices.*, device.get …',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(KNOWN_SCOPE, {
    each: true,
    message:
      'scopes must each be like all.Organization, all.Organization.read, all.Application, all.User.read, devices.*, device.get',
  })
  scopes!: string[];
}
