/**
 * @module The `archive` section of the mission configuration (schemas/config-archive.schema.json): where the
 * archive is and how it opens. `--archive DIR` wins over `archive.dir`; the default is `./idoc-archive`.
 */
import path from 'node:path';
import type { MissionConfig } from '../config/index.js';
import type { ArchiveOptions } from './archive.js';
import { checkedSection, configRelative } from '../config/section.js';

/** `archive.bus`: the ingest bus's stream limits and publisher back-pressure (telemetry/bus). */
export interface BusLimitsSection { maxMessages?: number; maxBytes?: number; maxLagMessages?: number; retrySeconds?: number }
interface ArchiveSection { kind?: 'sqlite' | 'postgres'; schema?: string; dir?: string; segmentMegabytes?: number; synchronous?: 'full' | 'normal'; bus?: BusLimitsSection }

/**
 * Which implementation holds the archive (`archive.kind`, default `sqlite`) and, for PostgreSQL, the schema (one
 * mission's archive; default `idoc`). The connection string comes from the environment only (src/postgres).
 */
export function archiveKind(config: MissionConfig): { kind: 'sqlite' | 'postgres'; schema: string } {
  const s = checkedSection<ArchiveSection>(config, 'archive') ?? {};
  return { kind: s.kind ?? 'sqlite', schema: s.schema ?? 'idoc' };
}

/** The ingest bus's limits (`archive.bus`), undefined when the section has none (a stream keeping everything). */
export function busLimitsOf(config: MissionConfig): BusLimitsSection | undefined {
  return checkedSection<ArchiveSection>(config, 'archive')?.bus;
}

/** The default archive folder name. */
export const DEFAULT_ARCHIVE_DIR = 'idoc-archive';

/**
 * The archive directory and options for a command.
 * @throws InputError when the section fails its schema.
 */
export function archiveSettings(config: MissionConfig, flagDir?: string, cwd = process.cwd()): { dir: string; options: ArchiveOptions } {
  const s = checkedSection<ArchiveSection>(config, 'archive') ?? {};
  const dir = flagDir !== undefined ? path.resolve(cwd, flagDir) : s.dir !== undefined ? configRelative(config, s.dir, cwd) : path.resolve(cwd, DEFAULT_ARCHIVE_DIR);
  return {
    dir,
    options: {
      ...(s.segmentMegabytes !== undefined ? { segmentBytes: s.segmentMegabytes * 1024 * 1024 } : {}),
      ...(s.synchronous !== undefined ? { synchronous: s.synchronous } : {}),
    },
  };
}
