/**
 * @module The NATS JetStream ingest bus (issue 19): `idoc ingest --publish` publishes packed batches per mission
 * and route, `idoc ingest --consume` stores them into the archive exactly once. Public door of telemetry/bus.
 */
export {
  BusPublisher, consumeBus, openBus, streamOf, subjectOf, msgIdOf, natsName, publishersBucketOf, throttledPublishers, DEFAULT_NATS_URL, type BusLimits, type PublisherThrottle, type BusOptions, type BusSink, type ConsumeOptions, type ConsumeTotals,
} from './bus.js';
export { encodeBatch, decodeBatch } from './wire.js';
export { fitBatch, sliceBatch, splitByRoute } from './split.js';
export { consumeCommand } from './command.js';
export {
  announceCommitted, committedStreamOf, committedSubjectOf, consumeCommitted, ensureCommittedStream, mergeWindows, parseCommitted, windowOfBatch,
  type CommittedWindow, type WindowConsumerOptions,
} from './committed.js';
export { busLag, busLagOfMission, formatBusLag, renderBusMetrics, type BusLag, type RouteLag } from './lag.js';
