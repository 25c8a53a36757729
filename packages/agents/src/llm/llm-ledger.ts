import type { LlmCall, LlmPart, LlmReport } from "@assay/contracts";

/** Collects, over one job, what the model was asked, what it wrote and where it was overruled. */
export class LlmLedger {
  private readonly calls: LlmCall[] = [];
  private readonly parts = new Set<LlmPart>();
  private readonly fallbacks: LlmReport["fallbacks"] = [];
  private readonly groundingDrops: LlmReport["groundingDrops"] = [];

  constructor(private readonly model: string) {}

  call(call: LlmCall): void {
    this.calls.push(call);
  }

  /** Spent so far, prompt and completion together. */
  get tokensUsed(): number {
    return this.calls.reduce((sum, call) => sum + call.tokensIn + call.tokensOut, 0);
  }

  wrote(part: LlmPart): void {
    this.parts.add(part);
  }

  fellBack(part: LlmPart, reason: string): void {
    this.fallbacks.push({ part, reason });
  }

  dropped(part: LlmPart, sentence: string, reason: string): void {
    this.groundingDrops.push({ part, sentence, reason });
  }

  toReport(): LlmReport {
    return {
      model: this.model,
      parts: [...this.parts],
      calls: [...this.calls],
      fallbacks: [...this.fallbacks],
      groundingDrops: [...this.groundingDrops],
    };
  }
}
