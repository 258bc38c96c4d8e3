import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** Query of revoke-all. */
export class RevokeAllQueryDto {
  @ApiPropertyOptional({ description: 'Whose tickets to revoke (requires tickets:admin); default: the caller' })
  @IsOptional()
  @IsString()
  @Length(1, 256, { message: 'userId must be 1 to 256 characters long' })
  userId?: string;

  @ApiPropertyOptional({ description: "Also disconnect the user's live sockets on every instance", type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'disconnect must be true or false' })
  disconnect?: boolean;

  @ApiPropertyOptional({ description: 'Reason passed to disconnected sockets (at most 64 characters)', maxLength: 64 })
  @IsOptional()
  @IsString()
  @MaxLength(64, { message: 'reason must be at most 64 characters long' })
  reason?: string;
}
