/**
 * @module Limit report over decoded tables: per parameter with alarms, the samples out of limits and the
 * transitions between limit states. A violation is raised after `minViolations` consecutive out-of-limit
 * samples (XTCE 1.2 AlarmType@minViolations, default 1); invalid and absent samples are not judged.
 */
import { LIMIT_NAMES, Validity, type ContainerTable, type Decoder } from './compile.js';
import { engineeringText } from './format.js';

export interface LimitTransition {
  /** Packet time, TAI seconds (NaN when the packet has none). */
  readonly tai: number;
  readonly apid: number;
  readonly container: string;
  readonly parameter: string;
  readonly from: (typeof LIMIT_NAMES)[number];
  readonly to: (typeof LIMIT_NAMES)[number];
  /** Engineering value of the sample that changed the state. */
  readonly value: string;
}

export interface LimitSummary {
  readonly container: string;
  readonly parameter: string;
  /** Samples judged (valid and present). */
  readonly samples: number;
  /** Samples in a raised violation. */
  readonly violations: number;
  readonly worst: (typeof LIMIT_NAMES)[number];
}

export interface LimitReport {
  readonly transitions: LimitTransition[];
  readonly summaries: LimitSummary[];
  /** Total samples in a raised violation. */
  readonly violations: number;
}

export function limitReport(dec: Decoder, tables: readonly ContainerTable[]): LimitReport {
  const transitions: LimitTransition[] = [];
  const summaries: LimitSummary[] = [];
  let total = 0;
  for (const t of tables) {
    for (const c of t.columns) {
      const type = c.field.type;
      if (!type.alarm && !type.contextAlarms?.length) continue;
      const min = type.alarm?.minViolations ?? 1;
      let run = 0;
      let state = 0;
      let samples = 0;
      let violations = 0;
      let worst = 0;
      for (let r = 0; r < t.rows; r++) {
        if (c.validity[r] !== Validity.valid) continue;
        samples++;
        const s = c.limit[r]!;
        run = s === 0 ? 0 : run + 1;
        const next = s === 0 ? 0 : run >= min ? s : state;
        if (next !== state) {
          transitions.push({ tai: t.tai[r]!, apid: t.apid[r]!, container: t.container.name, parameter: c.field.parameter.name, from: LIMIT_NAMES[state]!, to: LIMIT_NAMES[next]!, value: engineeringText(dec, c, r) });
          state = next;
        }
        if (state !== 0) {
          violations++;
          worst = Math.max(worst, state);
        }
      }
      total += violations;
      summaries.push({ container: t.container.name, parameter: c.field.parameter.name, samples, violations, worst: LIMIT_NAMES[worst]! });
    }
  }
  return { transitions, summaries, violations: total };
}
