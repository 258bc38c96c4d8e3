import { buildPublicAssets } from '../../src/client/build/build-public-assets';

/**
 * Jest globalSetup of the e2e project: builds the browser client and the demo files into
 * `public/` once per run, so the app under test serves what src/ says, even on a fresh clone.
 */
export default async function buildClient(): Promise<void> {
  await buildPublicAssets();
}
