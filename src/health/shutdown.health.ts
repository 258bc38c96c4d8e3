import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ShutdownState } from '../lifecycle/shutdown-state';

/**
 * Down from the termination signal on, so readiness fails while the instance drains and load
 * balancers stop sending it traffic. Only consulted while shutting down: in normal operation
 * the readiness body stays exactly the contract's (`info` holds the store alone).
 */
@Injectable()
export class ShutdownHealthIndicator {
  constructor(
    private readonly state: ShutdownState,
    private readonly health: HealthIndicatorService,
  ) {}

  get isShuttingDown(): boolean {
    return this.state.isShuttingDown;
  }

  check(): HealthIndicatorResult {
    const indicator = this.health.check('shutdown');
    return this.state.isShuttingDown
      ? indicator.down({ message: `Shutting down (${this.state.cause ?? 'signal'}); not accepting new work` })
      : indicator.up();
  }
}
