import {
  AnalysisAccepted,
  AnalysisRequest,
  AssayEvent,
  Dataset,
  ERROR_STATUS,
  ErrorBody,
  type ErrorCode,
  JobList,
  JobView,
  Report,
  SessionList,
  SessionView,
} from "@assay/contracts";
import { z } from "zod";
import { type JsonSchema, ROUTE_DOCS, type RouteAuth, type RouteDoc } from "./route-docs.js";

/** Schemas the document names in components.schemas (referenced wherever a route uses them). */
const NAMED_SCHEMAS = new Map<z.ZodType, string>([
  [SessionView, "SessionView"],
  [SessionList, "SessionList"],
  [Dataset, "Dataset"],
  [AnalysisRequest, "AnalysisRequest"],
  [AnalysisAccepted, "AnalysisAccepted"],
  [JobView, "JobView"],
  [JobList, "JobList"],
  [Report, "Report"],
  [AssayEvent, "AssayEvent"],
  [ErrorBody, "ErrorBody"],
]);
/** Request bodies are described as clients send them (defaults optional), answers as the api writes them. */
const REQUEST_SCHEMAS = new Set<z.ZodType>([AnalysisRequest]);

/** Errors any route with that kind of access may answer, besides its own. */
const COMMON_ERRORS: Record<RouteAuth, ErrorCode[]> = {
  open: ["BAD_REQUEST", "METHOD_NOT_ALLOWED", "REDIS_UNAVAILABLE", "INTERNAL"],
  key: ["BAD_REQUEST", "UNAUTHORIZED", "RATE_LIMITED", "METHOD_NOT_ALLOWED", "REDIS_UNAVAILABLE", "INTERNAL"],
  "key-or-query": [
    "BAD_REQUEST",
    "UNAUTHORIZED",
    "RATE_LIMITED",
    "METHOD_NOT_ALLOWED",
    "REDIS_UNAVAILABLE",
    "INTERNAL",
  ],
  admin: ["BAD_REQUEST", "UNAUTHORIZED", "METHOD_NOT_ALLOWED", "REDIS_UNAVAILABLE", "INTERNAL"],
};

const SECURITY: Record<RouteAuth, Record<string, string[]>[]> = {
  open: [],
  key: [{ apiKey: [] }],
  "key-or-query": [{ apiKey: [] }, { accessToken: [] }],
  admin: [{ adminToken: [] }, { adminBasic: [] }],
};

function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
  }) as JsonSchema;
  return rest;
}

function schemaOf(schema: z.ZodType | JsonSchema, io: "input" | "output"): JsonSchema {
  if (!(schema instanceof z.ZodType)) return schema;
  const name = NAMED_SCHEMAS.get(schema);
  return name ? { $ref: `#/components/schemas/${name}` } : toJsonSchema(schema, io);
}

function contentOf(content: Record<string, z.ZodType | JsonSchema>, io: "input" | "output") {
  return Object.fromEntries(
    Object.entries(content).map(([mediaType, schema]) => [mediaType, { schema: schemaOf(schema, io) }]),
  );
}

/** ErrorBody narrowed to the codes one status stands for on one route. */
function errorResponses(codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, statusCodes]) => [
      String(status),
      {
        description: statusCodes.join(", "),
        content: {
          "application/json": {
            schema: {
              allOf: [
                { $ref: "#/components/schemas/ErrorBody" },
                { properties: { error: { properties: { code: { enum: statusCodes } } } } },
              ],
            },
          },
        },
      },
    ]),
  );
}

function parametersOf(route: RouteDoc) {
  const path = Object.entries(route.params ?? {}).map(([name, schema]) => ({
    name,
    in: "path",
    required: true,
    schema: toJsonSchema(schema, "input"),
  }));
  const querySchema = route.query ? toJsonSchema(route.query, "input") : undefined;
  const properties = (querySchema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((querySchema?.required ?? []) as string[]);
  const query = Object.entries(properties).map(([name, schema]) => ({
    name,
    in: "query",
    required: required.has(name),
    schema,
  }));
  return [...path, ...query];
}

function operationOf(route: RouteDoc) {
  const responses = {
    ...Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.content ? { content: contentOf(response.content, "output") } : {}),
        },
      ]),
    ),
    ...errorResponses([...COMMON_ERRORS[route.auth], ...(route.errors ?? [])]),
  };
  const parameters = parametersOf(route);
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_, next: string = "") => next.toUpperCase())}`,
    summary: route.summary,
    tags: [route.tag],
    security: SECURITY[route.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: route.body.required, content: contentOf(route.body.content, "input") } }
      : {}),
    responses,
  };
}

/** Koa's `/v1/jobs/:id` as OpenAPI's `/v1/jobs/{id}`. */
export const openApiPath = (koaPath: string) => koaPath.replace(/:([A-Za-z_]+)/g, "{$1}");

/** The OpenAPI 3.1 document of the api, generated from the zod contracts the routes parse with. */
export function buildOpenApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of ROUTE_DOCS) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  const schemas = Object.fromEntries(
    [...NAMED_SCHEMAS].map(([schema, name]) => [
      name,
      toJsonSchema(schema, REQUEST_SCHEMAS.has(schema) ? "input" : "output"),
    ]),
  );
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Assay API",
      version,
      description:
        "Data analysis as a service: sessions with a dedicated worker, dataset uploads, analysis jobs, " +
        "event streams and reports. Errors answer `{ error: { code, message, requestId } }`; every answer " +
        "carries X-Request-Id (a sane incoming X-Request-Id is kept).",
    },
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "an API key: `assay keys create --tenant <t>`",
        },
        accessToken: {
          type: "apiKey",
          in: "query",
          name: "access_token",
          description:
            "the API key as a query parameter, on event streams only (EventSource cannot send headers)",
        },
        adminToken: { type: "http", scheme: "bearer", description: "ADMIN_TOKEN" },
        adminBasic: {
          type: "http",
          scheme: "basic",
          description: "any user name, ADMIN_TOKEN as the password",
        },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
