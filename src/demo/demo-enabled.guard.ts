import { CanActivate, Injectable, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { AllConfig } from '../config';

/** Hides the demo's routes when `DEMO_ENABLED` is off: they answer exactly as unknown routes do. */
@Injectable()
export class DemoEnabledGuard implements CanActivate {
  constructor(private readonly config: ConfigService<AllConfig, true>) {}

  canActivate(): boolean {
    if (!this.config.get('demo.enabled', { infer: true })) throw new NotFoundException();
    return true;
  }
}
