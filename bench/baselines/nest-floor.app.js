'use strict';
/**
 * The stack's floor: what the fixed stack costs before any of Ticketgate's own logic. Nest 12 on
 * Fastify, the JWT checked by passport-jwt through @nestjs/passport's AuthGuard (a KeyObject
 * secret, as the app), the body through Nest's ValidationPipe with class-validator and
 * class-transformer (whitelist, forbidNonWhitelisted, transform, as the app), and the baseline's
 * Redis work (`SET NX EX` / `GETDEL`). No logging, metrics, hooks, audit, index or limits.
 *
 * It is an app, not a baseline: run it in the app's place to see how much of the app's cost the
 * stack alone accounts for.
 *
 *   npm run bench -- --only=generate,validate --app-entry=bench/baselines/nest-floor.app.js
 *
 * Plain CommonJS with decorators applied as functions, so no compiler sits in the process.
 * `FLOOR_GUARD=plain` swaps passport for a guard calling jsonwebtoken itself and
 * `FLOOR_PIPE=off` drops the ValidationPipe, to split the floor into its parts.
 */
require('reflect-metadata');
const { createHash, createSecretKey, randomBytes } = require('node:crypto');
const { Body, Controller, Get, HttpCode, Injectable, Module, Post, Req, UseGuards, ValidationPipe } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { AuthGuard, PassportModule, PassportStrategy } = require('@nestjs/passport');
const { ExtractJwt, Strategy } = require('passport-jwt');
const { IsInt, IsOptional, IsString, Max, Min } = require('class-validator');
const jwt = require('jsonwebtoken');
const { BASELINE_TICKET_PREFIX, baselineEnv, baselineRedis, validateAnswer } = require('./baseline-env');

const { port, redisUrl, jwtSecret } = baselineEnv();
const key = createSecretKey(Buffer.from(jwtSecret, 'utf8'));
const redis = baselineRedis(redisUrl, 'bench:nest-floor');
const hashOf = (ticket) => createHash('sha256').update(ticket).digest('base64url');

/** Applies TypeScript-style decorators: `decorate(target, [decorators], key?, paramTypes?)`. */
function decorate(target, decorators, key, paramTypes) {
  if (key === undefined) return Reflect.decorate(decorators, target);
  if (paramTypes) Reflect.defineMetadata('design:paramtypes', paramTypes, target, key);
  return Reflect.decorate(decorators, target, key, Object.getOwnPropertyDescriptor(target, key));
}

class CreateTicketBody {}
decorate(CreateTicketBody.prototype, [IsOptional(), IsInt(), Min(30), Max(3600)], 'ttlSeconds');
class TicketBody {}
decorate(TicketBody.prototype, [IsString()], 'ticket');

class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor() {
    super({ jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), algorithms: ['HS256'], secretOrKey: key });
  }
  validate(claims) {
    return { userId: claims.sub, permissions: claims.permissions };
  }
}
decorate(JwtStrategy, [Injectable()]);

class PlainJwtGuard {
  canActivate(context) {
    const request = context.switchToHttp().getRequest();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
    const claims = jwt.verify(header.slice(7), key, { algorithms: ['HS256'] });
    request.user = { userId: claims.sub, permissions: claims.permissions };
    return true;
  }
}
decorate(PlainJwtGuard, [Injectable()]);
const JwtGuard = process.env.FLOOR_GUARD === 'plain' ? PlainJwtGuard : AuthGuard('jwt');

class CanValidate {
  canActivate(context) {
    const { permissions } = context.switchToHttp().getRequest().user;
    return Array.isArray(permissions) && permissions.includes('tickets:validate');
  }
}
decorate(CanValidate, [Injectable()]);

class FloorController {
  live() {
    return { status: 'ok' };
  }

  async generate(body, request) {
    const ttlSeconds = body.ttlSeconds ?? 300;
    const ticket = `tkt_${randomBytes(32).toString('base64url')}`;
    const issuedAt = Date.now();
    const { userId, permissions } = request.user;
    const record = { userId, permissions, issuedAt, expiresAt: issuedAt + ttlSeconds * 1000 };
    await redis.set(BASELINE_TICKET_PREFIX + hashOf(ticket), JSON.stringify(record), 'EX', ttlSeconds, 'NX');
    return { ticket, expiresAt: new Date(record.expiresAt).toISOString(), ttlSeconds, userId, permissions };
  }

  async validate(body) {
    return validateAnswer(await redis.getdel(BASELINE_TICKET_PREFIX + hashOf(body.ticket)));
  }
}
const proto = FloorController.prototype;
decorate(proto, [Get('health/live')], 'live', []);
decorate(proto, [Post('api/v1/websocket/ticket'), UseGuards(JwtGuard)], 'generate', [CreateTicketBody, Object]);
decorate(proto, [Body(), Req()].map((param, index) => (target, name) => param(target, name, index)), 'generate');
decorate(proto, [Post('api/v1/websocket/ticket/validate'), HttpCode(200), UseGuards(JwtGuard, CanValidate)], 'validate', [TicketBody]);
decorate(proto, [(target, name) => Body()(target, name, 0)], 'validate');
decorate(FloorController, [Controller()]);

class FloorModule {}
decorate(FloorModule, [Module({ imports: [PassportModule], controllers: [FloorController], providers: [JwtStrategy] })]);

async function main() {
  const app = await NestFactory.create(FloorModule, new FastifyAdapter({ bodyLimit: 16 * 1024 }), { logger: false });
  if (process.env.FLOOR_PIPE !== 'off') {
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  }
  const close = () => app.close().finally(() => process.exit(0));
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
  await app.listen(port, process.env.HOST ?? '127.0.0.1');
}

main().catch((error) => {
  process.stderr.write(`nest floor failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
