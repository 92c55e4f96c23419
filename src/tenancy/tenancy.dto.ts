import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsOptional, IsString, Length, Matches } from 'class-validator';
import { KNOWN_SCOPE } from './scopes.js';

export class CreateUserDto {
  @ApiProperty() @IsEmail({}, { message: 'email must be an e-mail address' }) email!: string;
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsEmail({}, { message: 'email must be an e-mail address' }) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 100) name?: string;
}

export class CreateOrganizationDto {
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
}

export class CreateTokenDto {
  @ApiProperty() @IsString() @Length(1, 100) name!: string;
  @ApiPropertyOptional({ example: ['devices.*', 'mqtt.*'] })
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(KNOWN_SCOPE, {
    each: true,
    message:
      'scopes must each be like all.Organization, all.Organization.read, all.Application, all.User.read, devices.*, device.get',
  })
  scopes!: string[];
}
