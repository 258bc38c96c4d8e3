import { IsString, Matches } from 'class-validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.decorator';

/** Body of `POST /demo/token`. */
export class DemoTokenDto {
  /** The token's `sub`; default `demo-user`. */
  @IsOptionalNotNull()
  @IsString()
  @Matches(/^[A-Za-z0-9._@-]{1,64}$/, { message: 'sub must be 1 to 64 letters, digits or . _ @ -' })
  sub?: string;
}

/** Answer of `POST /demo/token`. */
export interface DemoTokenReply {
  token: string;
  /** ISO-8601. */
  expiresAt: string;
}
