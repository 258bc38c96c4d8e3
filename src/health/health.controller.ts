import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorFunction } from '@nestjs/terminus';
import { ShutdownHealthIndicator } from './shutdown.health';
import { StoreHealthIndicator } from './store.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: StoreHealthIndicator,
    private readonly shutdown: ShutdownHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Overall health: 503 while the configured store is unreachable or the instance shuts down' })
  check(): Promise<HealthCheckResult> {
    return this.health.check(this.readinessChecks());
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: can this instance serve tickets?',
    description: '503 while the store is unreachable, and from a termination signal on (`error.shutdown`; terminus reports `status: shutting_down` once its own shutdown hook has run).',
  })
  ready(): Promise<HealthCheckResult> {
    return this.health.check(this.readinessChecks());
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: 200 while the process serves requests (also while it drains)' })
  live(): HealthCheckResult {
    // Deliberately not through HealthCheckService: terminus answers every check 503
    // `shutting_down` once Nest's shutdown hooks start, but this process keeps serving through
    // the drain and must not look dead then. Same body terminus gives for a check of nothing.
    return { status: 'ok', info: {}, error: {}, details: {} };
  }

  private readinessChecks(): HealthIndicatorFunction[] {
    const store = () => this.store.check();
    return this.shutdown.isShuttingDown ? [() => this.shutdown.check(), store] : [store];
  }
}
