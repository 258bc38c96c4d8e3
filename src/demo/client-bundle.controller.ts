import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CLIENT_BUNDLE_FILE } from './public-assets';

/** The browser client as an ES module (CONTRACT §8), served in every environment, and its source map. */
@ApiExcludeController()
@Controller('client')
export class ClientBundleController {
  @Get('ticketgate-client.js')
  bundle(@Res() reply: FastifyReply): FastifyReply {
    return reply.sendFile(CLIENT_BUNDLE_FILE);
  }

  @Get('ticketgate-client.js.map')
  sourceMap(@Res() reply: FastifyReply): FastifyReply {
    return reply.sendFile(`${CLIENT_BUNDLE_FILE}.map`);
  }
}
