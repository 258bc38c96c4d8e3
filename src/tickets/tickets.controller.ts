import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { RequirePermissions } from '../auth/permissions.decorator';
import { PermissionsGuard } from '../auth/permissions.guard';
import { ApiErrorResponses } from '../common/api-error-responses.decorator';
import { ForbiddenException } from '../common/errors';
import { requestAudit } from '../logging/request-logging.hook';
import { CreateTicketDto } from './dto/create-ticket.dto';
import { RevokeAllQueryDto } from './dto/revoke-all-query.dto';
import { StatusResponseDto } from './dto/status-response.dto';
import { TicketBodyDto } from './dto/ticket-body.dto';
import { IssuedTicketDto, RevokeAllResultDto, ValidatedTicketDto } from './dto/ticket-responses.dto';
import { SocketSessionsRegistry } from './socket-sessions.registry';
import { StatusService } from './status.service';
import { TicketsService } from './tickets.service';

export const ADMIN_PERMISSION = 'tickets:admin';
export const VALIDATE_PERMISSION = 'tickets:validate';

@ApiTags('tickets')
@Controller()
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly status: StatusService,
    private readonly sockets: SocketSessionsRegistry,
  ) {}

  @Post(['api/v1/websocket/ticket', 'api/v1/auth/generate-ticket', 'auth/generate-ticket'])
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Generate a single-use ticket for opening a socket' })
  @ApiResponse({ status: 201, type: IssuedTicketDto })
  @ApiErrorResponses(400, 401, 403, 413, 429, 503)
  generate(@CurrentUser() user: AuthenticatedUser, @Body() body: CreateTicketDto, @Req() request: FastifyRequest): Promise<IssuedTicketDto> {
    return this.tickets.issue(user, body, requestAudit(request));
  }

  @Post('api/v1/websocket/ticket/validate')
  @HttpCode(200)
  @UseGuards(JwtAuthGuard, PermissionsGuard)
  @RequirePermissions(VALIDATE_PERMISSION)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Validate and consume a ticket (backend services)',
    description: `Requires the ${VALIDATE_PERMISSION} permission. Like RFC 7662 introspection, answers 200 with valid: false for any unusable ticket.`,
  })
  @ApiOkResponse({ type: ValidatedTicketDto })
  @ApiErrorResponses(400, 401, 403, 413, 503)
  async validate(@Body() body: TicketBodyDto, @Req() request: FastifyRequest): Promise<ValidatedTicketDto> {
    const context = { via: 'validate' as const, address: request.ip, userAgent: request.headers['user-agent'], ...requestAudit(request) };
    // A sender-constrained ticket is only redeemable with a proof of possession (socket handshake).
    const outcome = await this.tickets.redeem(body.ticket, context, (record) => (record.publicKey ? 'unbound_proof' : undefined));
    if (!outcome.accepted) return { valid: false };
    const { record } = outcome;
    return {
      valid: true,
      userId: record.userId,
      ...(record.email !== undefined ? { email: record.email } : {}),
      permissions: record.permissions,
      ...(record.metadata !== undefined ? { metadata: record.metadata } : {}),
      issuedAt: new Date(record.issuedAt).toISOString(),
      expiresAt: new Date(record.expiresAt).toISOString(),
    };
  }

  @Post('api/v1/websocket/ticket/revoke')
  @HttpCode(204)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: `Revoke one ticket (its owner, or ${ADMIN_PERMISSION})` })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiErrorResponses(400, 401, 404, 413, 503)
  async revoke(@CurrentUser() user: AuthenticatedUser, @Body() body: TicketBodyDto, @Req() request: FastifyRequest): Promise<void> {
    await this.tickets.revoke(body.ticket, user, user.permissions.includes(ADMIN_PERMISSION), requestAudit(request));
  }

  @Delete('api/v1/websocket/ticket/:ticket')
  @HttpCode(204)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke one ticket (legacy form; prefer POST .../ticket/revoke)', deprecated: true })
  @ApiParam({ name: 'ticket', description: 'The ticket to revoke' })
  @ApiResponse({ status: 204, description: 'Revoked' })
  @ApiErrorResponses(401, 404, 503)
  async revokeByPath(@CurrentUser() user: AuthenticatedUser, @Param('ticket') ticket: string, @Req() request: FastifyRequest): Promise<void> {
    await this.tickets.revoke(ticket, user, user.permissions.includes(ADMIN_PERMISSION), requestAudit(request));
  }

  @Delete('api/v1/websocket/tickets')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Revoke every unconsumed ticket of the caller (or, with tickets:admin, of ?userId)" })
  @ApiOkResponse({ type: RevokeAllResultDto })
  @ApiErrorResponses(400, 401, 403, 503)
  async revokeAll(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: RevokeAllQueryDto,
    @Req() request: FastifyRequest,
  ): Promise<RevokeAllResultDto> {
    const target = query.userId ?? user.userId;
    if (target !== user.userId && !user.permissions.includes(ADMIN_PERMISSION)) {
      throw new ForbiddenException(`Missing permission: ${ADMIN_PERMISSION} (needed to revoke another user's tickets)`);
    }
    const revoked = await this.tickets.revokeAllForUser(target, user.userId, requestAudit(request));
    const disconnected = query.disconnect
      ? await this.sockets.disconnectUser(target, query.reason ?? 'revoked')
      : 0;
    return { revoked, disconnected };
  }

  @Get('api/v1/websocket/ticket/status')
  @ApiOperation({ summary: 'Public service status (no secrets, no user data)' })
  @ApiOkResponse({ type: StatusResponseDto })
  getStatus(): Promise<StatusResponseDto> {
    return this.status.status();
  }
}
