import {
  AnalysisAccepted,
  type AnalysisRequestInput,
  AssayEvent,
  Dataset,
  isFinalJobEvent,
  JobList,
  JobView,
  Report,
  SessionList,
  SessionView,
  type StoredEvent,
} from "@assay/contracts";
import type { z } from "zod";
import { AssayApiError } from "./errors.js";
import { parseSse } from "./sse.js";

export interface AssayClientOptions {
  baseUrl: string;
  apiKey?: string;
  /** Delay before an event stream reconnects after a dropped connection. */
  reconnectDelayMs?: number;
}

export interface PageOptions {
  limit?: number;
  cursor?: string;
}

const pageQuery = ({ limit, cursor }: PageOptions = {}) => {
  const query = new URLSearchParams();
  if (limit !== undefined) query.set("limit", String(limit));
  if (cursor !== undefined) query.set("cursor", cursor);
  return query.size > 0 ? `?${query}` : "";
};

export type ReportFormat = "json" | "markdown" | "html";

export interface UploadOptions {
  name: string;
  contentType: string;
  /** Bytes, when known: sent as Content-Length so the api can refuse oversize uploads up front. */
  bytes?: number;
}

export interface EventStreamOptions {
  lastEventId?: string;
  signal?: AbortSignal;
  /** Ends the iteration after the event for which this returns true. */
  until?: (event: AssayEvent) => boolean;
  /** false: only the events stored so far; the iteration ends after the replay (`?follow=false`). */
  follow?: boolean;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/** Typed client of the Assay HTTP API; every answer is parsed with the contracts. */
export class AssayClient {
  private readonly baseUrl: string;

  constructor(private readonly options: AssayClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}), ...extra };
  }

  /** Sends a request; throws AssayApiError for error answers. */
  async request(path: string, init: RequestInit & { duplex?: "half" } = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        ...init,
        headers: this.headers(init.headers as Record<string, string>),
      });
    } catch (error) {
      throw new AssayApiError(0, "UNREACHABLE", `cannot reach ${this.baseUrl}: ${(error as Error).message}`);
    }
    if (!response.ok) throw await AssayApiError.fromResponse(response);
    return response;
  }

  private async json<S extends z.ZodType>(schema: S, path: string, init?: RequestInit): Promise<z.infer<S>> {
    const response = await this.request(path, init);
    return schema.parse(await response.json());
  }

  private post<S extends z.ZodType>(schema: S, path: string, body?: unknown): Promise<z.infer<S>> {
    return this.json(schema, path, {
      method: "POST",
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    });
  }

  createSession(): Promise<SessionView> {
    return this.post(SessionView, "/v1/sessions");
  }

  getSession(sessionId: string): Promise<SessionView> {
    return this.json(SessionView, `/v1/sessions/${encodeURIComponent(sessionId)}`);
  }

  /** One page of the live sessions of the key in use, newest first. */
  listSessions(page?: PageOptions): Promise<SessionList> {
    return this.json(SessionList, `/v1/sessions${pageQuery(page)}`);
  }

  /** One page of a session's jobs, newest first. */
  listJobs(sessionId: string, page?: PageOptions): Promise<JobList> {
    return this.json(JobList, `/v1/sessions/${encodeURIComponent(sessionId)}/jobs${pageQuery(page)}`);
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.request(`/v1/sessions/${encodeURIComponent(sessionId)}`, { method: "DELETE" });
  }

  /** Polls until the session's worker is up (ready, busy or idle). */
  async waitForSession(
    sessionId: string,
    { timeoutMs = 60_000, intervalMs = 50 } = {},
  ): Promise<SessionView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const session = await this.getSession(sessionId);
      if (["ready", "busy", "idle"].includes(session.status)) return session;
      if (session.status === "failed" || session.status === "stopped" || Date.now() > deadline) {
        throw new AssayApiError(0, "SESSION_NOT_READY", `session ${sessionId} is ${session.status}`);
      }
      await sleep(intervalMs);
    }
  }

  /** Uploads a dataset; `body` is streamed (a web ReadableStream), never read whole by the client. */
  uploadDataset(
    sessionId: string,
    body: ReadableStream<Uint8Array> | Blob | Uint8Array | string,
    options: UploadOptions,
  ): Promise<Dataset> {
    const query = new URLSearchParams({ name: options.name });
    return this.json(Dataset, `/v1/sessions/${encodeURIComponent(sessionId)}/datasets?${query}`, {
      method: "POST",
      body: body as BodyInit,
      headers: {
        "content-type": options.contentType,
        ...(options.bytes !== undefined ? { "content-length": String(options.bytes) } : {}),
      },
      ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
    } as RequestInit);
  }

  submitAnalysis(sessionId: string, request: AnalysisRequestInput): Promise<AnalysisAccepted> {
    return this.post(AnalysisAccepted, `/v1/sessions/${encodeURIComponent(sessionId)}/analyses`, request);
  }

  getJob(jobId: string): Promise<JobView> {
    return this.json(JobView, `/v1/jobs/${encodeURIComponent(jobId)}`);
  }

  cancelJob(jobId: string): Promise<JobView> {
    return this.post(JobView, `/v1/jobs/${encodeURIComponent(jobId)}/cancel`);
  }

  /** Polls a job until it reaches a final status. */
  async waitForJob(jobId: string, { timeoutMs = 10 * 60_000, intervalMs = 200 } = {}): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.getJob(jobId);
      if (job.status === "succeeded" || job.status === "failed" || job.status === "cancelled") return job;
      if (Date.now() > deadline) throw new AssayApiError(0, "TIMEOUT", `job ${jobId} still ${job.status}`);
      await sleep(intervalMs);
    }
  }

  async report(jobId: string, format: "json"): Promise<Report>;
  async report(jobId: string, format: "markdown" | "html"): Promise<string>;
  async report(jobId: string, format: ReportFormat): Promise<Report | string> {
    const response = await this.request(`/v1/jobs/${encodeURIComponent(jobId)}/report?format=${format}`);
    return format === "json" ? Report.parse(await response.json()) : response.text();
  }

  artifact(jobId: string, name: string): Promise<Response> {
    return this.request(`/v1/jobs/${encodeURIComponent(jobId)}/artifacts/${encodeURIComponent(name)}`);
  }

  /** A job's events, replayed then live, ending after its final event. */
  jobEvents(jobId: string, options: Omit<EventStreamOptions, "until"> = {}): AsyncGenerator<StoredEvent> {
    return this.events(`/v1/jobs/${encodeURIComponent(jobId)}/events`, {
      ...options,
      until: isFinalJobEvent,
    });
  }

  sessionEvents(sessionId: string, options: EventStreamOptions = {}): AsyncGenerator<StoredEvent> {
    return this.events(`/v1/sessions/${encodeURIComponent(sessionId)}/events`, options);
  }

  /**
   * Follows an SSE stream and reconnects with Last-Event-ID when the connection drops, so the
   * caller sees every event once, in order.
   */
  async *events(
    path: string,
    { lastEventId, signal, until, follow = true }: EventStreamOptions = {},
  ): AsyncGenerator<StoredEvent> {
    let cursor = lastEventId;
    const url = follow ? path : `${path}${path.includes("?") ? "&" : "?"}follow=false`;
    while (!signal?.aborted) {
      let response: Response;
      try {
        response = await this.request(url, {
          headers: { accept: "text/event-stream", ...(cursor ? { "last-event-id": cursor } : {}) },
          ...(signal ? { signal } : {}),
        });
      } catch (error) {
        if (signal?.aborted) return;
        if (error instanceof AssayApiError && error.status >= 400 && error.status < 500) throw error;
        await sleep(this.options.reconnectDelayMs ?? 500, signal);
        continue;
      }
      let serverFailed = false;
      try {
        for await (const message of parseSse(response.body!)) {
          if (message.event === "error") serverFailed = true;
          if (message.event === "error" || !message.id) continue;
          const parsed = AssayEvent.safeParse(JSON.parse(message.data));
          if (!parsed.success) continue;
          cursor = message.id;
          yield { id: message.id, event: parsed.data };
          if (until?.(parsed.data)) return;
        }
        // The server ended the replay on purpose (not with an error event): that is the exact end.
        if (!follow && !serverFailed) return;
      } catch {
        if (signal?.aborted) return;
      }
      await sleep(this.options.reconnectDelayMs ?? 500, signal);
    }
  }
}
