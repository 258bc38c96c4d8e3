import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtKeyResolver } from './jwt-key.resolver';
import { JwtVerifier } from './jwt-verifier.service';
import { JwtStrategy } from './jwt.strategy';
import { PermissionsGuard } from './permissions.guard';

/** JWT verification (HS256 secret, PEM public key, JWKS) for HTTP routes and socket handshakes. */
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [JwtKeyResolver, JwtVerifier, JwtStrategy, JwtAuthGuard, PermissionsGuard],
  exports: [JwtKeyResolver, JwtVerifier, JwtAuthGuard, PermissionsGuard],
})
export class AuthModule {}
