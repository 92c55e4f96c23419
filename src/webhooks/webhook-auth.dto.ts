import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';

// The credentials of authType BASIC and OAUTH2 (BEARER's token is a plain field of the webhook).

export class OAuth2RequestDto {
  @ApiProperty({
    example: 'https://auth.example.com/oauth/token',
    description: 'Token endpoint (client credentials grant)',
  })
  @IsString()
  @MaxLength(512)
  tokenUrl!: string;
  @ApiProperty({ example: 'gateway', description: 'OAuth2 client id' })
  @IsString()
  @Length(1, 256)
  clientId!: string;
  @ApiProperty({ example: 's3cret', description: 'OAuth2 client secret (answered masked: ********)' })
  @IsString()
  @Length(1, 512)
  clientSecret!: string;
  @ApiPropertyOptional({ example: 'webhooks', description: 'OAuth2 scope asked for' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  scope?: string;
}

export class BasicAuthDto {
  @ApiProperty({ example: 'gateway', description: 'Basic authentication user' })
  @IsString()
  @Length(1, 256)
  username!: string;
  @ApiProperty({ example: 's3cret', description: 'Basic authentication password (answered masked: ********)' })
  @IsString()
  @Length(0, 512)
  password!: string;
}
