/**
 * A TCP proxy whose connections stop passing bytes (both ways) while paused: a run held inside its
 * critical section (writer lock taken, batches committed) while another process is started beside it.
 */
import net from 'net';

export class PausableProxy {
  private readonly sockets = new Set<net.Socket>();
  private paused = false;
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<PausableProxy> {
    let proxy: PausableProxy | undefined;
    const server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      for (const [from, to] of [
        [client, upstream],
        [upstream, client],
      ]) {
        from.pipe(to);
        from.on('error', () => to.destroy());
        proxy!.sockets.add(from);
        from.on('close', () => proxy!.sockets.delete(from));
        if (proxy!.paused) from.pause();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy = new PausableProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  pause(): void {
    this.paused = true;
    for (const s of this.sockets) s.pause();
  }

  resume(): void {
    this.paused = false;
    for (const s of this.sockets) s.resume();
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server.listening) await new Promise((resolve) => this.server.close(resolve));
  }
}
