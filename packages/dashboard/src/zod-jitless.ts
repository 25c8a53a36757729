import { z } from "zod";

// Zod probes `Function("")` to compile faster parsers; the page's CSP forbids eval, and a refused
// probe is reported as a violation. Imported first, before any schema parses.
z.config({ jitless: true });
