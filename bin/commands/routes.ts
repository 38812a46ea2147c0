/**
 * @module `idoc routes`: which APIDs go to which route and targets, the declared APIDs left to quarantine, and
 * overlaps (exit 1 when two routes claim an APID). Thin: config → telemetry/routing.
 */
import type { RegisterCommand } from './context.js';
import { jsonOut } from '../cli/json.js';

export const registerRoutes: RegisterCommand = (program, ctx) => {
  program
    .command('routes')
    .description('show the routing table: APIDs → routes and targets; flag overlaps (exit 1)')
    .option('--config <file>', 'mission config (default: ./idoc.json when present)')
    .option('--json', 'machine-readable output')
    .action(async (flags: { config?: string; json?: boolean }) => {
      const [{ resolveMission }, { routeTable, routesReport, formatRoutes }] = await Promise.all([
        import('../../src/config/mission.js'), import('../../telemetry/routing/index.js'),
      ]);
      const { config } = await resolveMission(flags);
      const report = routesReport(routeTable(config));
      ctx.io.out(flags.json ? jsonOut('routes', report, { ok: !report.overlaps.length }) : formatRoutes(report));
      ctx.setExit(report.overlaps.length ? 1 : 0);
    });
};
