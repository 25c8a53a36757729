import type { Logger } from "pino";

export interface Closable {
  close(): Promise<void> | void;
}

/**
 * One per process: resources register in start order and close in reverse on SIGTERM/SIGINT,
 * within a deadline after which the process exits anyway.
 */
export class ShutdownRegistry {
  private readonly resources: { name: string; resource: Closable }[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs = 15_000,
  ) {}

  add<T extends Closable>(name: string, resource: T): T {
    this.resources.push({ name, resource });
    return resource;
  }

  /** Whether close() has begun: a start still in progress should stop instead of failing. */
  get isClosing(): boolean {
    return this.closing !== undefined;
  }

  /** Closes everything once; later calls return the same promise. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const { name, resource } of [...this.resources].reverse()) {
        try {
          await resource.close();
        } catch (error) {
          this.logger.warn({ err: error, resource: name }, "close failed");
        }
      }
    })();
    return this.closing;
  }

  /** Installs signal handlers that close everything and exit. */
  installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      this.logger.info({ signal }, "shutting down");
      const timer = setTimeout(() => {
        this.logger.error({ deadlineMs: this.deadlineMs }, "shutdown deadline passed, exiting");
        process.exit(1);
      }, this.deadlineMs);
      timer.unref();
      void this.close().then(() => process.exit(0));
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
}
