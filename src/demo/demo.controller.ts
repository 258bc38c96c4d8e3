import { Body, Controller, Get, Header, Post, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DemoEnabledGuard } from './demo-enabled.guard';
import { DemoTokens } from './demo-tokens.service';
import { DemoTokensAvailableGuard } from './demo-tokens-available.guard';
import { DemoTokenDto, DemoTokenReply } from './dto/demo-token.dto';

/**
 * The demo page (`DEMO_ENABLED`, on by default outside production): a front end of the browser
 * client, plain HTML, CSS and one external module script (the CSP allows no inline script).
 */
@ApiExcludeController()
@Controller('demo')
@UseGuards(DemoEnabledGuard)
export class DemoController {
  constructor(private readonly tokens: DemoTokens) {}

  @Get()
  page(@Res() reply: FastifyReply): FastifyReply {
    return reply.sendFile('demo/index.html');
  }

  @Get('demo.css')
  stylesheet(@Res() reply: FastifyReply): FastifyReply {
    return reply.sendFile('demo/demo.css');
  }

  @Get('demo.js')
  script(@Res() reply: FastifyReply): FastifyReply {
    return reply.sendFile('demo/demo.js');
  }

  /** What the page may offer: the development-token button only while the development secret is in use. */
  @Get('settings')
  settings(): { devTokens: boolean } {
    return { devTokens: this.tokens.available };
  }

  /** A JWT signed with the development secret; 404 whenever that secret is not in use. */
  @Post('token')
  @UseGuards(DemoTokensAvailableGuard)
  @Header('Cache-Control', 'no-store')
  token(@Body() body: DemoTokenDto): DemoTokenReply {
    return this.tokens.issue(body.sub ?? 'demo-user');
  }
}
