/**
 * @module Resource levels set by modes (internal to the power and data-volume rules): a machine follows the
 * mode named by a parameter of one command (as the mode rule's `modeParameters`), and its level is that
 * mode's; each switch changes the total by the difference. `plan import-edf` writes one machine per
 * experiment from the EDF's mode power and data rates.
 */
import type { ResolvedCommand } from './rule.js';

/** One machine: its command and parameter, the level of each mode, and the mode at the plan start. */
export interface ModeLevels {
  readonly command: string;
  readonly parameter: string;
  readonly levels: Readonly<Record<string, number>>;
  readonly initialMode?: string;
}

/** The option schema of a list of machines (`unit` names the level's unit in the descriptions). */
export const modeLevelsSchema = (unit: string) => ({
  type: 'array',
  description: `Levels set by modes: the mode named by a parameter of a command sets a level, ${unit}, replacing the machine's previous one.`,
  items: {
    type: 'object', additionalProperties: false, required: ['command', 'parameter', 'levels'],
    properties: {
      command: { type: 'string', description: 'The mode command.' },
      parameter: { type: 'string', description: 'Its parameter holding the mode label.' },
      levels: { type: 'object', additionalProperties: { type: 'number' }, description: `Level per mode, ${unit}.` },
      initialMode: { type: 'string', description: 'Mode at the plan start (its level counts from the start). Default none (level 0).' },
    },
  },
});

/** A tracker over the machines: the level at the start, and the change each command makes. */
export function modeLevelTracker(machines: readonly ModeLevels[] = []): { initial: number; delta(c: ResolvedCommand): number } {
  const current = machines.map((m) => (m.initialMode !== undefined ? m.levels[m.initialMode] ?? 0 : 0));
  return {
    initial: current.reduce((a, b) => a + b, 0),
    delta(c) {
      let d = 0;
      machines.forEach((m, k) => {
        if (m.command !== c.command) return;
        const level = m.levels[String(c.values[m.parameter])];
        if (level === undefined) return;
        d += level - current[k]!;
        current[k] = level;
      });
      return d;
    },
  };
}
