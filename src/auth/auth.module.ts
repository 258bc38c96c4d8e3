import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtKeyResolver } from './jwt-key.resolver';
import { JwtVerifier } from './jwt-verifier.service';
import { JwtStrategy } from './jwt.strategy';
import { PermissionsGuard } from './permissions.guard';
import { VerifiedTokenCache } from './verified-token.cache';

/** JWT verification (HS256 secret, PEM public key, JWKS) for HTTP routes and socket handshakes. */
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [JwtKeyResolver, VerifiedTokenCache, JwtVerifier, JwtStrategy, JwtAuthGuard, PermissionsGuard],
  exports: [JwtKeyResolver, VerifiedTokenCache, JwtVerifier, JwtAuthGuard, PermissionsGuard],
})
export class AuthModule {}
