/**
 * @module `idoc replay CAPTURE... --connect tcp://HOST:PORT | --connect udp://HOST:PORT | --listen tcp://HOST:PORT`: send
 * the packets of captures to a test bench at the pace of their timestamps. Thin: options → telemetry/replay.
 */
import type { RegisterCommand } from './context.js';
import { addReadOptions, type ReadFlags } from '../cli/read-options.js';
import { jsonOut } from '../cli/json.js';

interface ReplayFlags extends ReadFlags {
  connect?: string;
  listen?: string;
  speed?: string;
  loop?: boolean;
  limit?: string;
  json?: boolean;
}

export const registerReplay: RegisterCommand = (program, ctx) => {
  addReadOptions(program
    .command('replay'))
    .argument('<captures...>', 'packet files of any framing idoc reads (raw, DDS, prefixed, pcap, pcapng)')
    .description('send the packets of captures as raw CCSDS packets, at the pace of their timestamps, to a test bench')
    .option('--connect <url>', 'send to tcp://HOST:PORT (connect) or udp://HOST:PORT (one packet per datagram)')
    .option('--listen <url>', 'listen on tcp://HOST:PORT and send to the first client that connects')
    .option('--speed <n>', 'times real time (e.g. 10), or max: as fast as the receiver takes them', '1')
    .option('--loop', 'start again from the first capture after the last')
    .option('--limit <n>', 'stop after this many packets')
    .option('--json', 'summary as JSON')
    .action(async (captures: string[], flags: ReplayFlags) => {
      const [{ UsageError }, { parseIntFlag }, { readSetup }, replayLib] = await Promise.all([
        import('../../src/errors.js'), import('../cli/options.js'), import('../cli/read-setup.js'), import('../../telemetry/replay/index.js'),
      ]);
      if ((flags.connect === undefined) === (flags.listen === undefined)) throw new UsageError('give exactly one of --connect tcp://HOST:PORT | udp://HOST:PORT, or --listen tcp://HOST:PORT');
      const to = flags.connect !== undefined ? replayLib.parseEndpoint('--connect', flags.connect) : undefined;
      const listen = flags.listen !== undefined ? replayLib.parseEndpoint('--listen', flags.listen, ['tcp'], true) : undefined;
      const speedText = flags.speed ?? '1';
      const speed = speedText === 'max' ? 'max' : Number(speedText);
      if (speed !== 'max' && !(Number.isFinite(speed) && speed > 0)) throw new UsageError(`--speed ${JSON.stringify(speedText)}: expected a positive number or max`);
      const limit = flags.limit !== undefined ? parseIntFlag('--limit', flags.limit, 1, Number.MAX_SAFE_INTEGER) : undefined;
      const { mission, read } = await readSetup(flags);

      const ac = new AbortController();
      const stop = (): void => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const sender = to
        ? await (to.protocol === 'udp' ? replayLib.udpSender(to) : replayLib.tcpSender(to))
        : await replayLib.listenSender(listen!, (url) => ctx.io.err(`idoc replay: listening on ${url}\n`), ac.signal);
      // A UDP receiver on this machine: its socket's kernel drop count before and after says what the replay lost.
      const { udpKernelDrops } = await import('../../telemetry/feeds/index.js');
      const localUdp = to?.protocol === 'udp' && /^(127\.|::1$|localhost$)/.test(to.host);
      const dropsBefore = localUdp ? await udpKernelDrops(to!.port, to!.host.includes(':')) : undefined;
      let lastShown = 0;
      try {
        const summary = await replayLib.replay(captures, sender, {
          read,
          profile: mission.profile, speed, loop: Boolean(flags.loop), signal: ac.signal,
          ...(limit !== undefined ? { limit } : {}),
          ...(ctx.io.errIsTty
            ? {
                onPacket: (s) => {
                  const t = Date.now();
                  if (t - lastShown < 250) return;
                  lastShown = t;
                  ctx.io.err(`\r\x1b[Kreplay: ${s.packets} packets, ${(s.bytes / 1e6).toFixed(1)} MB, ${s.seconds.toFixed(1)} s`);
                },
              }
            : {}),
        });
        if (lastShown) ctx.io.err('\r\x1b[K');
        await new Promise((r) => setTimeout(r, localUdp ? 200 : 0)); // let the receiver's queue settle before counting
        const dropsAfter = localUdp ? await udpKernelDrops(to!.port, to!.host.includes(':')) : undefined;
        const lost = dropsBefore !== undefined && dropsAfter !== undefined ? dropsAfter - dropsBefore : undefined;
        const result = {
          target: sender.target, packets: summary.packets, bytes: summary.bytes, seconds: Number(summary.seconds.toFixed(3)), passes: summary.passes,
          ...(to?.protocol === 'udp' ? { receiverDrops: lost ?? null } : {}),
        };
        ctx.io.out(flags.json ? jsonOut('replay', result) : `replayed ${result.packets} packets, ${result.bytes} bytes in ${result.seconds.toFixed(2)} s to ${result.target}\n`);
        if (to?.protocol === 'udp' && !flags.json) {
          ctx.io.err(lost !== undefined
            ? `idoc replay: the receiver's socket dropped ${lost} datagram(s) during the replay (kernel count, /proc/net/udp)${lost ? ': slow down (--speed) or raise its receiveBufferBytes' : ''}\n`
            : `idoc replay: UDP has no flow control${speed === 'max' ? ' and --speed max outruns most receivers' : ''}: what the receiver lost is not known here; \`idoc ingest status\` shows its kernel drops and sequence gaps\n`);
        }
        if (lost) ctx.setExit(1);
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await sender.close();
      }
    });
};
