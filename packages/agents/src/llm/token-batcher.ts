/** Longest piece sent as one log line when the text has no line break. */
const MAX_CHUNK_CHARS = 160;

/**
 * Gathers streamed tokens into readable pieces for the job log: a piece ends at a line break, or
 * at the last space once it is long enough, so a dashboard shows the text as it is written without
 * one event per token.
 */
export class TokenBatcher {
  private buffer = "";

  constructor(private readonly emit: (piece: string) => void) {}

  push(delta: string): void {
    this.buffer += delta;
    for (;;) {
      const newline = this.buffer.indexOf("\n");
      if (newline >= 0) {
        this.send(this.buffer.slice(0, newline));
        this.buffer = this.buffer.slice(newline + 1);
        continue;
      }
      if (this.buffer.length < MAX_CHUNK_CHARS) return;
      const space = this.buffer.lastIndexOf(" ");
      const cut = space > 0 ? space : this.buffer.length;
      this.send(this.buffer.slice(0, cut));
      this.buffer = this.buffer.slice(cut + 1);
    }
  }

  flush(): void {
    this.send(this.buffer);
    this.buffer = "";
  }

  private send(piece: string): void {
    if (piece.trim()) this.emit(piece);
  }
}
