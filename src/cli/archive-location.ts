/**
 * @module Where the archive is: `--archive DIR`, else the config's `archive.dir` (relative to the config file),
 * else `./idoc-archive`.
 */
import path from 'node:path';
import type { MissionConfig } from '../config/index.js';

export const DEFAULT_ARCHIVE_DIR = 'idoc-archive';

export function archiveDirOf(config: MissionConfig, flag: string | undefined, cwd = process.cwd()): string {
  if (flag !== undefined) return path.resolve(cwd, flag);
  const raw = config.raw as { archive?: { dir?: unknown } } | undefined;
  const dir = raw?.archive?.dir;
  if (typeof dir === 'string' && dir.length) return path.resolve(config.file ? path.dirname(config.file) : cwd, dir);
  return path.resolve(cwd, DEFAULT_ARCHIVE_DIR);
}
