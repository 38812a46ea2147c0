/**
 * @module Replay for test benches: captures sent as live packet streams (TCP client, TCP listener, UDP) at
 * the pace of their timestamps. Public door of telemetry/replay.
 */
export { replay, capturePackets, type ReplayOptions, type ReplaySummary, type TimedPacket } from './replay.js';
export { tcpSender, udpSender, listenSender, type PacketSender } from './senders.js';
export { parseEndpoint, endpointUrl, type Endpoint } from './targets.js';
