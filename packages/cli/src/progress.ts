import cliProgress from "cli-progress";
import type { CliContext } from "./context.js";
import { formatBytes } from "./format.js";

/** A progress bar on stderr when it is a terminal; plain lines otherwise; nothing with --json. */
export class Progress {
  private readonly bars?: cliProgress.MultiBar;
  private bar?: cliProgress.SingleBar;
  private lastLabel = "";

  constructor(private readonly ctx: CliContext) {
    if (!ctx.json && ctx.stderr.isTTY) {
      this.bars = new cliProgress.MultiBar(
        {
          stream: ctx.stderr,
          format: "{label} [{bar}] {percentage}% {detail}",
          hideCursor: true,
          clearOnComplete: false,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  /** Starts a bar (replacing the previous one) with `total` units. */
  start(label: string, total: number): void {
    this.bar?.stop();
    this.bar = this.bars?.create(total, 0, { label, detail: "" });
    this.line(`${label}...`);
  }

  update(value: number, detail = ""): void {
    this.bar?.update(value, { detail });
  }

  bytes(sent: number, total: number): void {
    this.update(sent, `${formatBytes(sent)} / ${formatBytes(total)}`);
  }

  /** A line above the bar (terminal) or on its own (pipes); each distinct label once. */
  line(text: string): void {
    if (this.ctx.json) return;
    if (this.bars) this.bars.log(`${text}\n`);
    else if (text !== this.lastLabel) this.ctx.stderr.write(`${text}\n`);
    this.lastLabel = text;
  }

  stop(): void {
    this.bars?.stop();
  }
}
