// What the register entries (src/register.ts, src/register-esm.ts) load once the application first needs
// tracing (src/sdk/deferred-start.ts): the API, the SDK and our pipeline.

import { log } from './diag/index.js';
import { handOnMessage } from './instrumentations/first-messages.js';
import { currentHandle } from './sdk/handle-slot.js';
import { startResolved } from './sdk/init.js';
import type { ResolvedConfig } from './types.js';

export { startFromEnv } from './sdk/autostart.js';

/** Starts tracing with the config register resolved; returns where a triggering channel message goes. */
export function startDeferred(config: ResolvedConfig): (channel: string, message: unknown) => void {
  if (currentHandle() === undefined) startResolved(config);
  return (channel, message) => {
    if (!handOnMessage(channel, message)) log.debug(`no subscriber took the first message of ${channel}`);
  };
}
