import { ApiProperty } from '@nestjs/swagger';

class StoreStatusDto {
  @ApiProperty({ enum: ['redis', 'memory'] }) kind: 'redis' | 'memory';
  @ApiProperty() connected: boolean;
  @ApiProperty({ nullable: true, type: Number, example: 0.4 }) latencyMs: number | null;
}

class TicketSettingsDto {
  @ApiProperty({ example: 300 }) defaultTtlSeconds: number;
  @ApiProperty({ example: 30 }) minTtlSeconds: number;
  @ApiProperty({ example: 3600 }) maxTtlSeconds: number;
}

class CountersDto {
  @ApiProperty() issued: number;
  @ApiProperty() consumed: number;
  @ApiProperty() rejected: number;
  @ApiProperty() revoked: number;
}

class SocketsDto {
  @ApiProperty() connected: number;
}

class InstanceDto {
  @ApiProperty() id: string;
  @ApiProperty() uptimeSeconds: number;
}

export class StatusResponseDto {
  @ApiProperty({ enum: ['ok', 'degraded'] }) status: 'ok' | 'degraded';
  @ApiProperty({ example: '1.0.0' }) version: string;
  @ApiProperty() store: StoreStatusDto;
  @ApiProperty() tickets: TicketSettingsDto;
  @ApiProperty({ description: "This instance's counters" }) counters: CountersDto;
  @ApiProperty() sockets: SocketsDto;
  @ApiProperty() instance: InstanceDto;
}
