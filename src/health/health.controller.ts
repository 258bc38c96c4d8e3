import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { StoreHealthIndicator } from './store.health';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly store: StoreHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Overall health: 503 while the configured store is unreachable' })
  check(): Promise<HealthCheckResult> {
    return this.health.check([() => this.store.check()]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: can this instance serve tickets?' })
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.store.check()]);
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: 200 while the process serves requests' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }
}
