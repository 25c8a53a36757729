import pl from "nodejs-polars";
import { describe, expect, it } from "vitest";
import { columnBasics } from "./basics.js";
import { positionalFrame } from "./safe-frame.js";
import { DATE_FORMAT_SAMPLE_ROWS } from "./thresholds.js";

describe("columnBasics: date formats", () => {
  it("tests formats on the first non-missing values of each text column, however late they start", async () => {
    const rows = 6 * DATE_FORMAT_SAMPLE_ROWS;
    const late = Array.from({ length: rows }, (_, k) =>
      k < 5_000 ? null : k % 2 ? "2024-03-01" : "01/03/2024",
    );
    const df = pl.DataFrame([
      pl.Series("late", late, pl.Utf8),
      // Shorter sample than the others in the same batch: three values, one a date.
      pl.Series(
        "few",
        Array.from({ length: rows }, (_, k) => (k < 3 ? ["x", "y", "2024-01-02"][k] : null)),
      ),
      pl.Series(
        "words",
        Array.from({ length: rows }, (_, k) => `word ${k}`),
      ),
      pl.Series(
        "n",
        Array.from({ length: rows }, (_, k) => k),
      ),
    ]);
    const [lateBasics, few, words, n] = await columnBasics(positionalFrame(df), df.columns, [0, 1, 2, 3]);
    // The first 1,000 present values alternate the two formats, so each parses half of them.
    expect(lateBasics?.dateFormat).toEqual({ format: "%Y-%m-%d", dtype: "date", sampleShare: 0.5 });
    expect(few?.dateFormat).toEqual({ format: "%Y-%m-%d", dtype: "date", sampleShare: 1 / 3 });
    expect(words?.dateFormat).toBeNull();
    expect(n?.dateFormat).toBeUndefined();
    expect(lateBasics?.count).toBe(rows - 5_000);
    expect(few?.numericShare).toBe(0);
  });
});
