import {
  AnalysisAccepted,
  AnalysisRequest,
  ArtifactName,
  Dataset,
  type ErrorCode,
  JobId,
  JobList,
  JobView,
  ListQuery,
  SessionId,
  SessionList,
  SessionStatus,
  SessionView,
} from "@assay/contracts";
import { z } from "zod";
import { SeedAnalyzeRequest } from "../routes/seed-compat.js";

/** Who may call a route: a tenant key, a tenant key also as `?access_token=` (SSE), the admin token, anyone. */
export type RouteAuth = "key" | "key-or-query" | "admin" | "open";

export interface ResponseDoc {
  description: string;
  /** Media type → body schema (a zod schema, or a raw JSON Schema for text and binary bodies). */
  content?: Record<string, z.ZodType | JsonSchema>;
}

export type JsonSchema = { [keyword: string]: unknown };

export interface RouteDoc {
  method: "get" | "post" | "delete";
  /** Koa style (`/v1/sessions/:id`); the document writes `{id}`. */
  path: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: { required: boolean; content: Record<string, z.ZodType | JsonSchema> };
  responses: Record<number, ResponseDoc>;
  /** Error codes this route answers with besides the ones every route of its auth kind can. */
  errors?: ErrorCode[];
}

const SSE_DESCRIPTION =
  "Server-Sent Events: `id` is the stream id (resume with Last-Event-ID or `?lastEventId=`), " +
  "`event` the event type, `data` an AssayEvent as JSON. A final `event: error` says why the server ended the stream.";
const sse: ResponseDoc = {
  description: SSE_DESCRIPTION,
  content: { "text/event-stream": { type: "string", description: "AssayEvent messages" } },
};
const text = (mediaType: string): JsonSchema => ({ type: "string", contentMediaType: mediaType });
const binary: JsonSchema = { type: "string", contentMediaType: "application/octet-stream" };

/** `?follow=false`: only the events stored so far, then the stream ends. */
const EventsQuery = z.object({
  lastEventId: z
    .string()
    .regex(/^\d+-\d+$/)
    .optional(),
  follow: z.enum(["true", "false"]).default("true"),
  access_token: z.string().optional(),
});

export const HealthAnswer = z.object({ status: z.literal("ok") });
export const ReadyAnswer = z.object({ status: z.literal("ready"), schedulers: z.number().int().positive() });
const SeedSessionAnswer = z.object({ session_id: SessionId });

/** Every route the api serves, as the OpenAPI document describes it. */
export const ROUTE_DOCS: RouteDoc[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness: the process answers",
    tag: "probes",
    auth: "open",
    responses: { 200: { description: "alive", content: { "application/json": HealthAnswer } } },
  },
  {
    method: "get",
    path: "/readyz",
    summary: "Readiness: Redis answers and a scheduler holds a lease",
    tag: "probes",
    auth: "open",
    responses: { 200: { description: "ready", content: { "application/json": ReadyAnswer } } },
    errors: ["SCHEDULER_UNAVAILABLE"],
  },
  {
    method: "post",
    path: "/v1/sessions",
    summary: "Create a session (its worker starts in the background)",
    tag: "sessions",
    auth: "key",
    responses: { 201: { description: "created", content: { "application/json": SessionView } } },
    errors: ["QUOTA_EXCEEDED"],
  },
  {
    method: "get",
    path: "/v1/sessions",
    summary: "The caller's live sessions, newest first",
    tag: "sessions",
    auth: "key",
    query: ListQuery,
    responses: { 200: { description: "a page", content: { "application/json": SessionList } } },
    errors: ["VALIDATION_FAILED"],
  },
  {
    method: "get",
    path: "/v1/sessions/:id",
    summary: "A session: status, datasets, worker",
    tag: "sessions",
    auth: "key",
    params: { id: SessionId },
    responses: { 200: { description: "the session", content: { "application/json": SessionView } } },
    errors: ["SESSION_NOT_FOUND"],
  },
  {
    method: "delete",
    path: "/v1/sessions/:id",
    summary: "Stop a session and delete its data",
    tag: "sessions",
    auth: "key",
    params: { id: SessionId },
    responses: { 204: { description: "stopping" } },
    errors: ["SESSION_NOT_FOUND"],
  },
  {
    method: "get",
    path: "/v1/sessions/:id/jobs",
    summary: "The session's jobs, newest first",
    tag: "jobs",
    auth: "key",
    params: { id: SessionId },
    query: ListQuery,
    responses: { 200: { description: "a page", content: { "application/json": JobList } } },
    errors: ["SESSION_NOT_FOUND", "VALIDATION_FAILED"],
  },
  {
    method: "get",
    path: "/v1/sessions/:id/events",
    summary: "The session's events: replay, then live (ends after the replay with ?follow=false)",
    tag: "events",
    auth: "key-or-query",
    params: { id: SessionId },
    query: EventsQuery,
    responses: { 200: sse },
    errors: ["SESSION_NOT_FOUND"],
  },
  {
    method: "post",
    path: "/v1/sessions/:id/datasets",
    summary: "Upload a dataset: multipart (field `file`) or a raw body whose Content-Type names the format",
    tag: "datasets",
    auth: "key",
    params: { id: SessionId },
    query: z.object({ name: z.string().optional() }),
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          type: "object",
          properties: { file: { type: "string", contentMediaType: "application/octet-stream" } },
          required: ["file"],
        },
        "text/csv": text("text/csv"),
        "text/tab-separated-values": text("text/tab-separated-values"),
        "application/json": text("application/json"),
        "application/x-ndjson": text("application/x-ndjson"),
        "application/vnd.apache.parquet": {
          type: "string",
          contentMediaType: "application/vnd.apache.parquet",
        },
      },
    },
    responses: { 201: { description: "stored and inspected", content: { "application/json": Dataset } } },
    errors: [
      "SESSION_NOT_FOUND",
      "SESSION_NOT_ACTIVE",
      "PAYLOAD_TOO_LARGE",
      "UNSUPPORTED_MEDIA_TYPE",
      "REQUEST_TIMEOUT",
      "QUOTA_EXCEEDED",
      "EMPTY_DATASET",
      "DATASET_UNPARSEABLE",
      "DATASET_TOO_WIDE",
      "DATASET_LINE_TOO_LONG",
      "DATASET_NOT_TEXT",
      "INSUFFICIENT_STORAGE",
    ],
  },
  {
    method: "post",
    path: "/v1/sessions/:id/analyses",
    summary: "Submit an analysis of one of the session's datasets",
    tag: "jobs",
    auth: "key",
    params: { id: SessionId },
    body: { required: true, content: { "application/json": AnalysisRequest } },
    responses: { 202: { description: "queued", content: { "application/json": AnalysisAccepted } } },
    errors: [
      "SESSION_NOT_FOUND",
      "SESSION_NOT_ACTIVE",
      "DATASET_NOT_FOUND",
      "INVALID_JSON",
      "VALIDATION_FAILED",
      "PAYLOAD_TOO_LARGE",
      "UNSUPPORTED_MEDIA_TYPE",
      "QUOTA_EXCEEDED",
    ],
  },
  {
    method: "get",
    path: "/v1/jobs/:id",
    summary: "A job's status, progress and result",
    tag: "jobs",
    auth: "key",
    params: { id: JobId },
    responses: { 200: { description: "the job", content: { "application/json": JobView } } },
    errors: ["JOB_NOT_FOUND"],
  },
  {
    method: "post",
    path: "/v1/jobs/:id/cancel",
    summary: "Cancel a job (at once when queued, at the worker's next step when running)",
    tag: "jobs",
    auth: "key",
    params: { id: JobId },
    responses: { 202: { description: "cancel requested", content: { "application/json": JobView } } },
    errors: ["JOB_NOT_FOUND", "JOB_ALREADY_FINISHED"],
  },
  {
    method: "get",
    path: "/v1/jobs/:id/events",
    summary: "A job's events, ending after its final event (or after the replay with ?follow=false)",
    tag: "events",
    auth: "key-or-query",
    params: { id: JobId },
    query: EventsQuery,
    responses: { 200: sse },
    errors: ["JOB_NOT_FOUND"],
  },
  {
    method: "get",
    path: "/v1/jobs/:id/report",
    summary: "A succeeded job's report (?format=json|markdown|html, else the Accept header)",
    tag: "reports",
    auth: "key",
    params: { id: JobId },
    query: z.object({ format: z.enum(["json", "markdown", "html"]).optional() }),
    responses: {
      200: {
        description: "the report",
        content: {
          // The Report schema is large; its JSON Schema is components.schemas.Report.
          "application/json": { $ref: "#/components/schemas/Report" },
          "text/markdown": text("text/markdown"),
          "text/html": text("text/html"),
        },
      },
    },
    errors: ["JOB_NOT_FOUND", "REPORT_NOT_READY", "ARTIFACT_NOT_FOUND", "NOT_ACCEPTABLE"],
  },
  {
    method: "get",
    path: "/v1/jobs/:id/artifacts/:name",
    summary: "One artifact a job wrote (report, chart, table)",
    tag: "reports",
    auth: "key",
    params: { id: JobId, name: ArtifactName },
    responses: { 200: { description: "the file", content: { "application/octet-stream": binary } } },
    errors: ["JOB_NOT_FOUND", "ARTIFACT_NOT_FOUND"],
  },
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    tag: "meta",
    auth: "open",
    responses: { 200: { description: "OpenAPI 3.1", content: { "application/json": { type: "object" } } } },
  },
  {
    method: "get",
    path: "/docs",
    summary: "A page that renders this document",
    tag: "meta",
    auth: "open",
    responses: { 200: { description: "HTML", content: { "text/html": text("text/html") } } },
  },
  {
    method: "get",
    path: "/docs/init.js",
    summary: "The docs page's script (points the viewer at /openapi.json)",
    tag: "meta",
    auth: "open",
    responses: {
      200: { description: "JavaScript", content: { "text/javascript": text("text/javascript") } },
    },
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics",
    tag: "admin",
    auth: "admin",
    responses: {
      200: { description: "Prometheus text format", content: { "text/plain": text("text/plain") } },
    },
  },
  {
    method: "get",
    path: "/admin/queues",
    summary: "bull-board over the newest live sessions' queues (its UI and JSON API live under this path)",
    tag: "admin",
    auth: "admin",
    responses: { 200: { description: "HTML", content: { "text/html": text("text/html") } } },
  },
  {
    method: "get",
    path: "/hello",
    summary: "Seed compatibility: greeting",
    tag: "seed",
    auth: "key",
    responses: {
      200: { description: "greeting", content: { "application/json": z.object({ message: z.string() }) } },
    },
  },
  {
    method: "get",
    path: "/session_id",
    summary: "Seed compatibility: create a session (POST /v1/sessions)",
    tag: "seed",
    auth: "key",
    responses: { 200: { description: "created", content: { "application/json": SeedSessionAnswer } } },
    errors: ["QUOTA_EXCEEDED"],
  },
  {
    method: "get",
    path: "/validate_session/:id",
    summary: "Seed compatibility: whether a session is usable (never 404)",
    tag: "seed",
    auth: "key",
    params: { id: z.string() },
    responses: {
      200: {
        description: "validity",
        content: { "application/json": z.object({ session_id: z.string(), valid: z.boolean() }) },
      },
    },
  },
  {
    method: "get",
    path: "/session_status/:id",
    summary: "Seed compatibility: a session's status (GET /v1/sessions/:id)",
    tag: "seed",
    auth: "key",
    params: { id: SessionId },
    responses: {
      200: {
        description: "status",
        content: { "application/json": SeedSessionAnswer.extend({ status: SessionStatus }) },
      },
    },
    errors: ["SESSION_NOT_FOUND"],
  },
  {
    method: "post",
    path: "/cleanup_session/:id",
    summary: "Seed compatibility: stop a session (DELETE /v1/sessions/:id)",
    tag: "seed",
    auth: "key",
    params: { id: SessionId },
    responses: {
      200: {
        description: "stopping",
        content: { "application/json": SeedSessionAnswer.extend({ status: z.literal("stopping") }) },
      },
    },
    errors: ["SESSION_NOT_FOUND"],
  },
  {
    method: "get",
    path: "/logs",
    summary: "Seed compatibility: a session's events (GET /v1/sessions/:id/events)",
    tag: "seed",
    auth: "key-or-query",
    query: EventsQuery.extend({ session_id: SessionId }),
    responses: { 200: sse },
    errors: ["SESSION_NOT_FOUND"],
  },
  {
    method: "post",
    path: "/analyze",
    summary: "Seed compatibility: submit an analysis (POST /v1/sessions/:id/analyses)",
    tag: "seed",
    auth: "key",
    body: { required: true, content: { "application/json": SeedAnalyzeRequest } },
    responses: {
      202: {
        description: "queued",
        content: { "application/json": z.object({ job_id: JobId, status: z.literal("queued") }) },
      },
    },
    errors: [
      "SESSION_NOT_FOUND",
      "SESSION_NOT_ACTIVE",
      "DATASET_NOT_FOUND",
      "INVALID_JSON",
      "VALIDATION_FAILED",
      "PAYLOAD_TOO_LARGE",
      "UNSUPPORTED_MEDIA_TYPE",
      "QUOTA_EXCEEDED",
    ],
  },
];
