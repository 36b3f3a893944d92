import net from "node:net";

/**
 * A TCP proxy on a free loopback port in front of one service (PostgreSQL, Redis), for
 * tests that cut the network between Keyplane and that service. It has three modes,
 * switchable at any time:
 *
 *  - `forward`: bytes flow both ways, as if the proxy were not there. Connections held
 *    while blackholed are connected upstream and resume, as a TCP connection does when
 *    a short loss of packets ends before either side gives up.
 *  - `refuse`: as when the server is down: every open connection is reset, and every new
 *    one is reset as soon as it is accepted.
 *  - `blackhole`: as when packets are dropped: connections are accepted and kept open, but
 *    no byte is forwarded in either direction (both sides are paused, so what is sent
 *    waits in the kernel's buffers). Nobody is told anything; only timeouts notice.
 *
 * Only loopback: it listens on 127.0.0.1 and connects to the target given.
 */

export type ProxyMode = "forward" | "refuse" | "blackhole";

type Pair = { client: net.Socket; upstream: net.Socket | null; piped: boolean };

export class TcpProxy {
  private readonly pairs = new Set<Pair>();
  private current: ProxyMode = "forward";

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  /** Starts a proxy to `target` (host and port, or a postgresql:// or redis:// URL). */
  static async start(target: string | { host: string; port: number }): Promise<TcpProxy> {
    const resolved = typeof target === "string" ? targetOf(target) : target;
    if (!isLoopback(resolved.host)) {
      throw new Error(`TcpProxy only proxies loopback services, not ${resolved.host}`);
    }
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no proxy port");
    const proxy = new TcpProxy(server, address.port, resolved);
    server.on("connection", (socket) => proxy.accept(socket));
    return proxy;
  }

  get mode(): ProxyMode {
    return this.current;
  }

  /** `url` with its host and port replaced by the proxy's (user, password, path kept). */
  url(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = "127.0.0.1";
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Number of client connections the proxy holds open (forwarding or blackholed). */
  get connections(): number {
    return this.pairs.size;
  }

  forward(): void {
    this.current = "forward";
    for (const pair of this.pairs) this.resume(pair);
  }

  refuse(): void {
    this.current = "refuse";
    for (const pair of [...this.pairs]) this.drop(pair);
  }

  blackhole(): void {
    this.current = "blackhole";
    for (const pair of this.pairs) this.hold(pair);
  }

  async close(): Promise<void> {
    for (const pair of [...this.pairs]) this.drop(pair);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.current === "refuse") {
      client.on("error", () => {});
      reset(client);
      return;
    }
    const pair: Pair = { client, upstream: null, piped: false };
    this.pairs.add(pair);
    client.on("error", () => this.drop(pair));
    client.on("close", () => this.drop(pair));
    if (this.current === "blackhole") client.pause();
    else this.resume(pair);
  }

  private resume(pair: Pair): void {
    if (pair.piped) return;
    if (!pair.upstream) {
      const upstream = net.connect(this.target.port, this.target.host);
      pair.upstream = upstream;
      upstream.on("error", () => this.drop(pair));
      upstream.on("close", () => this.drop(pair));
    }
    pair.piped = true;
    pair.client.pipe(pair.upstream);
    pair.upstream.pipe(pair.client);
    pair.client.resume();
    pair.upstream.resume();
  }

  private hold(pair: Pair): void {
    if (!pair.piped) return;
    pair.piped = false;
    pair.client.unpipe();
    pair.upstream?.unpipe();
    pair.client.pause();
    pair.upstream?.pause();
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    reset(pair.client);
    if (pair.upstream) reset(pair.upstream);
  }
}

function reset(socket: net.Socket): void {
  if (socket.destroyed) return;
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

function targetOf(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  const fallback = parsed.protocol.startsWith("redis") ? 6379 : 5432;
  return { host: parsed.hostname || "127.0.0.1", port: Number(parsed.port) || fallback };
}

function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "localhost" || host === "::1" || host === "[::1]";
}
