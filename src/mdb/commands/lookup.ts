/** @module Finding commands and sequences of a database by name, and commands by their PUS identity. */
import type { TcCommand, TcDatabase, TcSequence } from './types.js';

/** The command called `name` (exact match first, then case-insensitive), or undefined. */
export function findCommand(db: TcDatabase, name: string): TcCommand | undefined {
  return db.commands.find((c) => c.name === name) ?? db.commands.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** The sequence called `name` (exact match first, then case-insensitive), or undefined. */
export function findSequence(db: TcDatabase, name: string): TcSequence | undefined {
  const all = db.sequences ?? [];
  return all.find((s) => s.name === name) ?? all.find((s) => s.name.toLowerCase() === name.toLowerCase());
}

/** Commands with this service and subtype, those of the given APID first. */
export function commandsByType(db: TcDatabase, service: number, subtype: number, apid?: number): TcCommand[] {
  const hits = db.commands.filter((c) => c.service === service && c.subtype === subtype);
  return [...hits.filter((c) => c.apid === apid), ...hits.filter((c) => c.apid !== apid)];
}
