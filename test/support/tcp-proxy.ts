/**
 * A TCP proxy in front of a database, for fault tests: it can cut every open connection once the
 * client has sent a given number of bytes (i.e. in the middle of a batch), and can refuse every
 * later connection (the database gone for good). It can also stall: stop forwarding both ways
 * without closing anything, like a hung middlebox or a black-holed route. Stalled sockets stop
 * being read, so the sender's buffers fill as they would; connections accepted while stalled get
 * no answer; the server keeps its end open (its session lives on, e.g. in COPY).
 */
import net from 'net';

/** PostgreSQL's CommandComplete message for COMMIT: 'C', length 11, "COMMIT\0". */
const COMMIT_COMPLETE = Buffer.from('C\x00\x00\x00\x0bCOMMIT\x00', 'latin1');

export class TcpProxy {
  private server!: net.Server;
  private sockets = new Set<net.Socket>();
  private sentBytes = 0;
  private cutAt: number | null = null;
  private receivedBytes = 0;
  private cutAtReceived: number | null = null;
  private refusing = false;
  private stalled = false;
  private stallAt: number | null = null;
  private stallAtReceived: number | null = null;
  private stallOnSent: string | null = null;
  private rewrites: Array<[Buffer, Buffer]> = [];
  connections = 0;
  /** Connections refused while the database is "gone" (each is one connect attempt by a client). */
  refused = 0;
  cuts = 0;
  stalls = 0;
  port = 0;

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async start(): Promise<this> {
    this.server = net.createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  /** Cut all connections once clients have sent `bytes` more bytes; optionally refuse every later connection. */
  cutAfter(bytes: number, options: { thenRefuse?: boolean } = {}): void {
    this.cutAt = this.sentBytes + bytes;
    this.afterCutRefuse = options.thenRefuse ?? false;
  }

  /** Cut all connections once the server has sent `bytes` more bytes (i.e. in the middle of a result). */
  cutAfterReceived(bytes: number): void {
    this.cutAtReceived = this.receivedBytes + bytes;
  }

  /** Stop forwarding now, both ways, on every connection, without closing any. */
  stall(): void {
    if (this.stalled) return;
    this.stalled = true;
    this.stalls++;
    for (const s of this.sockets) s.pause();
  }

  /** Stall once clients have sent `bytes` more bytes (e.g. in the middle of a batch's rows). */
  stallAfter(bytes: number): void {
    this.stallAt = this.sentBytes + bytes;
  }

  /** Stall once the server has sent `bytes` more bytes (e.g. in the middle of a page of rows). */
  stallAfterReceived(bytes: number): void {
    this.stallAtReceived = this.receivedBytes + bytes;
  }

  /** Stall when a client sends `text` (e.g. a statement's first words): it never reaches the server. */
  stallWhenSent(text: string): void {
    this.stallOnSent = text;
  }

  /** Replaces `from` by `to` (same length, so protocol lengths stay right) in what clients send. */
  rewriteSent(from: string, to: string): void {
    if (from.length !== to.length) throw new Error('a rewrite must keep the length');
    this.rewrites.push([Buffer.from(from), Buffer.from(to)]);
  }

  private afterCutRefuse = false;
  private commitsToPass: number | null = null;

  /**
   * Lets `n` COMMIT replies through, then drops every connection at the next one instead of passing
   * it back: the commit has landed, the client sees a dead connection. Watched on the server's side
   * (PostgreSQL's CommandComplete "COMMIT"), because the client sends its COMMIT with the batch's
   * BEGIN and COPY, before the rows: cutting on what the client sends would cut before the commit.
   */
  loseReplyToCommit(n: number): void {
    this.commitsToPass = n;
  }

  /** How many client writes contain `text` from now on (e.g. "COPY " for PostgreSQL batches), in `sentCounts`. */
  countSent(text: string): void {
    this.sentCounts.set(text, 0);
  }

  readonly sentCounts = new Map<string, number>();
  commitRepliesLost = 0;

  private accept(client: net.Socket): void {
    if (this.refusing) {
      this.refused++;
      client.destroy();
      return;
    }
    this.connections++;
    if (this.stalled) {
      // Accepted by the kernel, never answered: a client waits for the server's greeting.
      this.sockets.add(client);
      client.pause();
      client.on('error', () => client.destroy());
      return;
    }
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(client).add(upstream);
    const drop = (side: net.Socket) => () => {
      // A stalled proxy forwards no close either: the other side stays open, as behind a hung middlebox.
      for (const s of this.stalled ? [side] : [client, upstream]) {
        s.destroy();
        this.sockets.delete(s);
      }
    };
    client.on('error', drop(client)).on('close', drop(client));
    upstream.on('error', drop(upstream)).on('close', drop(upstream));
    upstream.on('data', (d) => {
      if (this.stalled) return;
      this.receivedBytes += d.length;
      if (this.stallAtReceived !== null && this.receivedBytes >= this.stallAtReceived) {
        // Exactly the bytes before the mark get through, wherever the read's chunk ends.
        client.write(d.subarray(0, d.length - (this.receivedBytes - this.stallAtReceived)));
        this.stallAtReceived = null;
        this.stall();
        return;
      }
      if (this.cutAtReceived !== null && this.receivedBytes >= this.cutAtReceived) {
        this.cutAtReceived = null;
        this.cuts++;
        for (const s of this.sockets) s.destroy();
        this.sockets.clear();
        return;
      }
      if (this.commitsToPass !== null && d.includes(COMMIT_COMPLETE)) {
        if (this.commitsToPass === 0) {
          this.commitsToPass = null;
          this.commitRepliesLost++;
          this.cuts++;
          for (const s of this.sockets) s.destroy();
          this.sockets.clear();
          return;
        }
        this.commitsToPass--;
      }
      client.write(d);
    });
    client.on('data', (d) => {
      if (this.stalled) return;
      this.sentBytes += d.length;
      for (const [from, to] of this.rewrites) {
        for (let at = d.indexOf(from); at >= 0; at = d.indexOf(from, at + 1)) to.copy(d, at);
      }
      if (this.stallOnSent !== null && d.includes(this.stallOnSent)) {
        this.stallOnSent = null;
        this.stall();
        return;
      }
      if (this.stallAt !== null && this.sentBytes >= this.stallAt) {
        upstream.write(d.subarray(0, d.length - (this.sentBytes - this.stallAt)));
        this.stallAt = null;
        this.stall();
        return;
      }
      if (this.cutAt !== null && this.sentBytes >= this.cutAt) {
        this.cutAt = null;
        this.cuts++;
        if (this.afterCutRefuse) this.refusing = true;
        for (const s of this.sockets) s.destroy();
        this.sockets.clear();
        return;
      }
      for (const [text, n] of this.sentCounts) if (d.includes(text)) this.sentCounts.set(text, n + 1);
      upstream.write(d);
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
