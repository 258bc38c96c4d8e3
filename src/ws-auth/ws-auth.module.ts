import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { TicketsModule } from '../tickets/tickets.module';
import { CredentialVerifier } from './credential-verifier.service';
import { EchoGateway } from './echo.gateway';
import { HandshakeAddress } from './handshake-address';
import { HandshakeRateLimiter } from './handshake-rate-limiter';
import { SocketSessionsService } from './socket-sessions.service';
import { WsAuthGateway } from './ws-auth.gateway';
import { WsAuthGuard } from './ws-auth.guard';
import { WsAuthService } from './ws-auth.service';
import { WsServerSetup } from './ws-server.setup';

/**
 * Socket.IO authentication (CONTRACT §4 and §6): the handshake chain applied as middleware by
 * `WsIoAdapter`, per-message permissions (`WsAuthGuard`), sessions, and the example gateways.
 */
@Module({
  imports: [AuthModule, TicketsModule],
  providers: [
    CredentialVerifier,
    HandshakeRateLimiter,
    HandshakeAddress,
    WsAuthService,
    WsServerSetup,
    SocketSessionsService,
    WsAuthGuard,
    WsAuthGateway,
    EchoGateway,
  ],
  exports: [WsAuthService, WsServerSetup, WsAuthGuard],
})
export class WsAuthModule {}
