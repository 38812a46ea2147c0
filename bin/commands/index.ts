/**
 * @module The registry of idoc commands: a plain import list (a test checks that every file in this
 * folder is listed). Each module registers lazily-loaded actions.
 */
import type { RegisterCommand } from './context.js';
import { registerFeed } from './feed.js';
import { registerReplay } from './replay.js';
import { registerPackets } from './packets.js';
import { registerIngest } from './ingest.js';
import { registerTime } from './time.js';
import { registerL0 } from './l0.js';
import { registerTc } from './tc.js';
import { registerOrbit } from './orbit.js';
import { registerPlan } from './plan.js';
import { registerArchive } from './archive.js';
import { registerRoutes } from './routes.js';
import { registerDemo } from './demo.js';
import { registerTm } from './tm.js';
import { registerDeliver } from './deliver.js';
import { registerProvenance } from './provenance.js';
import { registerDoi } from './doi.js';
import { registerHelp } from './help.js';
import { registerCompletion } from './completion.js';
import { registerServe } from './serve.js';
import { registerUsers } from './users.js';
import { registerConsole } from './console.js';

export const COMMANDS: readonly RegisterCommand[] = [
  registerFeed,
  registerReplay,
  registerPackets,
  registerIngest,
  registerTime,
  registerL0,
  registerTc,
  registerOrbit,
  registerPlan,
  registerArchive,
  registerRoutes,
  registerDemo,
  registerTm,
  registerDeliver,
  registerProvenance,
  registerDoi,
  registerHelp,
  registerCompletion,
  registerServe,
  registerUsers,
  registerConsole,
];
