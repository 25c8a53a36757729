/** For the pages the api serves itself (dashboard, docs): own scripts only; inline styles for the UI libraries. */
export const PAGE_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

/** Paths the api answers itself; static files never shadow them. */
export const API_PATH = /^\/(v1|healthz|readyz|openapi\.json|docs|metrics|admin)(\/|$)/;
