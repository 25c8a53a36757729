import type { Profile } from "@assay/contracts";
import { pl } from "@assay/datasets";
import { DATE_FORMATS, parsedDateMs } from "./basics.js";

/**
 * The frame with every text column the profile read as dates turned into Datetime("ms"), so
 * resampling, time charts and trend tests see real time. Each value takes the first format of
 * DATE_FORMATS it matches exactly (columns may mix formats); values no format fits become null.
 */
export function withParsedDates(df: pl.DataFrame, profile: Profile): pl.DataFrame {
  const textDates = profile.columnProfiles.filter(
    (c) => c.kind === "datetime" && c.dates?.parsedFromText && df.columns.includes(c.name),
  );
  if (textDates.length === 0) return df;
  return df.withColumns(
    ...textDates.map((c) =>
      DATE_FORMATS.map((format) => parsedDateMs(pl.col(c.name).cast(pl.Utf8), format))
        .reduce((first, next) => first.fillNull(next))
        .cast(pl.Datetime("ms"))
        .alias(c.name),
    ),
  );
}
