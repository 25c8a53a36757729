/** A one-line progress bar that redraws in place on a terminal and prints plain lines elsewhere. */
export class ProgressLine {
  private last = "";

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  update(pct: number, label: string): void {
    const width = 30;
    const filled = Math.round((Math.max(0, Math.min(100, pct)) / 100) * width);
    const text = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${pct.toFixed(0).padStart(3)}%  ${label}`;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}`);
    } else if (label !== this.last) {
      this.out.write(`${text}\n`);
    }
    this.last = label;
  }

  /** Prints a line above the bar. */
  log(line: string): void {
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${line}\n`);
    else this.out.write(`${line}\n`);
  }

  done(): void {
    if (this.out.isTTY) this.out.write("\n");
  }
}
