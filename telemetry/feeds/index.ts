/**
 * @module Feeds: where packets come from (issue 3). Each feed yields units of bytes (a file, an HTTP response,
 * a DDS answer, a live connection) with a cursor ingest stores beside the packets. Public door of
 * telemetry/feeds.
 */
// Contract
export type { Feed, FeedUnit } from './types.js';
export { FeedError, type FeedErrorCode } from './errors.js';
// Config
export { feedsFromConfig, feedFromConfig, feedsProblems, FEEDS_SCHEMA_RELATIVE, type FeedConfig, type FeedsFromConfigOptions } from './config.js';
// Feed kinds
export { ddsExchangeFeed, ddsWindows, defaultRequestPrefix, type DdsExchangeOptions } from './dds-exchange.js';
export { ddsRequestId, ddsRequestXml, isoSeconds, parseDdsRequestXml, writeDdsRequest, type DdsRequest } from './dds-request.js';
export { httpFeed, packetsUrl, apidRangesText, type HttpFeedOptions } from './http-feed.js';
export { dropFolderFeed, ignoredDropName, type DropFolderOptions } from './drop-folder.js';
export { tcpFeed, type TcpFeedOptions } from './tcp-feed.js';
export { udpFeed, type UdpFeedOptions } from './udp-feed.js';
export { udpKernelDrops, dropsInProcNetUdp } from './_udp-drops.js';
// The feed server
export { indexPacketFolder, selectEntries, cursorOf, positionAfter, type PacketIndex, type IndexOptions, type IndexQuery, type TimeSource } from './packet-index.js';
export { createFeedServer, startFeedServer, DEFAULT_RESPONSE_LIMIT, DEFAULT_MAX_CLIENTS, DEFAULT_STALL_MS, type FeedServer, type FeedServerOptions } from './http-server.js';
export { parseFeedRequest, MAX_TARGET_LENGTH, type FeedRequest, type FeedRoute } from './feed-request.js';
export { readTokenFile, tokenDigests, bearerAllowed, bearerHeader, FEED_TOKEN_ENV } from './feed-tokens.js';
// Retry pacing
export { nextDelay, sleep, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
