import { Module } from '@nestjs/common';
import { ClientBundleController } from './client-bundle.controller';
import { DemoController } from './demo.controller';
import { DemoEnabledGuard } from './demo-enabled.guard';
import { DemoTokens } from './demo-tokens.service';
import { DemoTokensAvailableGuard } from './demo-tokens-available.guard';
import { PublicAssets } from './public-assets';

/**
 * What browsers load from Ticketgate itself: the client bundle at `/client/ticketgate-client.js`
 * (always) and the demo page at `/demo` with its development-token endpoint (when enabled).
 * The files are built by `npm run build:client`.
 */
@Module({
  controllers: [ClientBundleController, DemoController],
  providers: [PublicAssets, DemoTokens, DemoEnabledGuard, DemoTokensAvailableGuard],
})
export class DemoModule {}
