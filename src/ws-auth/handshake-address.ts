import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingHttpHeaders } from 'node:http';
import { clientAddressResolver } from '../common/client-address';
import type { AllConfig } from '../config';

/**
 * The client address of a socket handshake, believing `X-Forwarded-For` only from proxies
 * `TRUST_PROXY` names, as Fastify does for HTTP. The failed-handshake limit and the replay
 * warning use it, so behind a load balancer each client keeps its own budget.
 */
@Injectable()
export class HandshakeAddress {
  private readonly resolve: (remoteAddress: string, headers: IncomingHttpHeaders) => string;

  constructor(config: ConfigService<AllConfig, true>) {
    this.resolve = clientAddressResolver(config.get('app.trustProxy', { infer: true }));
  }

  of(handshake: { address: string; headers: IncomingHttpHeaders }): string {
    return this.resolve(handshake.address, handshake.headers);
  }
}
