import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { SIGNATURE_ENCODINGS, SIGNATURE_TYPES } from './webhook.model.js';
import { oneOf } from './webhook-dto-rules.js';

const HEADER_NAME_RULE = { message: "must be a header name (letters, digits and !#$%&'*+-.^_`|~, at most 100)" };
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

/** How callbacks are signed (SignatureOption); the cross-field rules are in webhook-rules.ts. */
export class SignatureDto {
  @ApiProperty({
    enum: SIGNATURE_TYPES,
    default: 'STANDARD_WEBHOOKS',
    description: 'STANDARD_WEBHOOKS: webhook-id, webhook-timestamp, webhook-signature headers; HMAC_SHA256: one header',
  })
  @oneOf('type', SIGNATURE_TYPES)
  type!: (typeof SIGNATURE_TYPES)[number];
  @ApiPropertyOptional({
    example: 'X-Hub-Signature-256',
    description: 'HMAC_SHA256: the header carrying the signature',
  })
  @IsOptional()
  @Matches(HEADER_NAME, { message: `header ${HEADER_NAME_RULE.message}` })
  header?: string;
  @ApiPropertyOptional({
    enum: SIGNATURE_ENCODINGS,
    default: 'hex',
    description: 'HMAC_SHA256: how the HMAC is written',
  })
  @IsOptional()
  @oneOf('encoding', SIGNATURE_ENCODINGS)
  encoding?: (typeof SIGNATURE_ENCODINGS)[number];
  @ApiPropertyOptional({ example: 'sha256=', description: 'HMAC_SHA256: put before the signature' })
  @IsOptional()
  @Matches(/^[\x21-\x7e]{0,32}$/, { message: 'prefix must be at most 32 visible ASCII characters (no spaces)' })
  prefix?: string;
  @ApiPropertyOptional({
    example: 'X-Timestamp',
    description: 'HMAC_SHA256: a header carrying the Unix time (seconds) of the attempt',
  })
  @IsOptional()
  @Matches(HEADER_NAME, { message: `timestampHeader ${HEADER_NAME_RULE.message}` })
  timestampHeader?: string;
  @ApiPropertyOptional({
    example: false,
    description: 'HMAC_SHA256: the HMAC covers "<timestamp>.<body>" (needs timestampHeader)',
  })
  @IsOptional()
  @IsBoolean({ message: 'signTimestamp must be true or false' })
  signTimestamp?: boolean;
}
