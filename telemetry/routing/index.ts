/**
 * @module Routing by APID (issue 3): the routing table from the config, dispatching packets to their routes'
 * targets (archive stream, raw packet files, TCP forwards), quarantine for unknown APIDs. Public door.
 */
export { routeTable, toRanges, type Overlap, type Route, type RouteTable } from '../../src/config/index.js';
export { RouteDispatcher, type DispatchSummary, type RouteCount } from './dispatch.js';
export { RawFiles, rawFilePath } from './raw-files.js';
export { TcpForwarder, parseTcpUrl, type ForwarderOptions, type ForwarderStats } from './forward.js';
export { routesReport, formatRoutes } from './format.js';
