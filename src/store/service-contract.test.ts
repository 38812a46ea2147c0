/** The service port's contract suite (src/archive/service-contract.ts) against the embedded SQLite service store. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceContract } from '../archive/service-contract.js';
import { openServiceStore } from './service-store.js';

serviceContract('SQLite (service.sqlite)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idoc-service-contract-'));
  return {
    open: async () => openServiceStore(dir),
    dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});
