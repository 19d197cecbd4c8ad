import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

// ajv-formats ships CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface PatchOp {
  op: "add" | "replace" | "remove";
  path: string;
  value?: Json;
}

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/clockify/${name}`, import.meta.url));

/**
 * RFC 6902 for the three operations the live-API patch uses. Hand-written on purpose: 20 lines for a test
 * fixture do not earn a dependency.
 */
export function applyJsonPatch(doc: Json, ops: PatchOp[]): Json {
  for (const { op, path, value } of ops) {
    const keys = path.split("/").slice(1).map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = keys.pop();
    if (last === undefined) throw new Error(`cannot patch the root (${path})`);
    let parent: Json = doc;
    for (const key of keys) {
      const next: Json | undefined = Array.isArray(parent) ? parent[Number(key)] : (parent as Record<string, Json>)[key];
      if (next === undefined || next === null || typeof next !== "object") throw new Error(`patch path ${path} missing at ${key}`);
      parent = next;
    }
    if (typeof parent !== "object" || parent === null) throw new Error(`patch path ${path} has no container`);
    if (Array.isArray(parent)) {
      const index = last === "-" ? parent.length : Number(last);
      if (op === "remove") parent.splice(index, 1);
      else if (op === "add") parent.splice(index, 0, value ?? null);
      else parent[index] = value ?? null;
    } else if (op === "remove") {
      if (!(last in parent)) throw new Error(`patch remove of missing ${path}`);
      delete parent[last];
    } else {
      if (op === "replace" && !(last in parent)) throw new Error(`patch replace of missing ${path}`);
      parent[last] = value ?? null;
    }
  }
  return doc;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, OperationDoc | undefined>>;
}
interface OperationDoc {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export function loadPatchedSpec(): OpenApiDoc {
  const spec = JSON.parse(readFileSync(fixture("openapi.json"), "utf8")) as Json;
  const patch = JSON.parse(readFileSync(fixture("openapi.knpkv-live-patch.json"), "utf8")) as PatchOp[];
  return listOfFeatures(unwrapObjectEnums(applyJsonPatch(spec, patch))) as unknown as OpenApiDoc;
}

/**
 * `WorkspaceDtoV1.features` refers to `Feature` (one string), though the schema's own description reads
 * "Represents a list of features" and its example is an array, as live workspaces answer: the property is
 * read as an array of that enum.
 */
function listOfFeatures(spec: Json): Json {
  const schemas = (spec as { components?: { schemas?: Record<string, { properties?: Record<string, Json> }> } }).components?.schemas;
  const workspace = schemas?.WorkspaceDtoV1?.properties;
  if (workspace?.features) workspace.features = { type: "array", items: { $ref: "#/components/schemas/Feature" } };
  return spec;
}

/**
 * The generator behind Clockify's spec writes some enums (WebhookEventType, TaskStatus, ...) as
 * `{type: "object", oneOf: [{type: "string", enum: [...]}]}`, which no value can satisfy, while the live API
 * sends plain strings. Such a schema is replaced by its one string branch; everything else is left as is.
 */
export function unwrapObjectEnums(spec: Json): Json {
  const schemas = (spec as { components?: { schemas?: Record<string, Json> } }).components?.schemas ?? {};
  for (const [name, schema] of Object.entries(schemas)) {
    const s = schema as { type?: string; oneOf?: Json[] };
    const branch = s.oneOf?.length === 1 ? (s.oneOf[0] as { type?: string }) : undefined;
    if (s.type === "object" && branch?.type === "string") schemas[name] = branch as Json;
  }
  return spec;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/** Validates bodies against the spec's own schemas, with OpenAPI's `nullable` honoured and extra fields allowed. */
export class SpecValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction | null>();

  constructor(readonly spec: OpenApiDoc) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    for (const f of ["int32", "int64", "float", "double", "byte", "binary"]) this.ajv.addFormat(f, true);
    this.ajv.addSchema(spec as unknown as object, "spec");
  }

  operation(path: string, method: string): OperationDoc | undefined {
    return this.spec.paths[path]?.[method.toLowerCase()];
  }

  private validator(ref: string, exists: boolean): ValidateFunction | null {
    if (!exists) return null;
    let fn = this.cache.get(ref);
    if (fn === undefined) {
      fn = this.ajv.compile({ $ref: `spec#/${ref}` });
      this.cache.set(ref, fn);
    }
    return fn;
  }

  /** Errors as text, or [] when valid. Throws when the spec has no schema for that answer. */
  checkResponse(path: string, method: string, status: number, body: unknown): string[] {
    const op = this.operation(path, method);
    const schema = op?.responses?.[String(status)]?.content?.["application/json"]?.schema;
    const ref = pointer("paths", path, method.toLowerCase(), "responses", String(status), "content", "application/json", "schema");
    const fn = this.validator(ref, schema !== undefined);
    if (!fn) throw new Error(`spec has no JSON schema for ${method} ${path} ${status}`);
    return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
  }

  checkRequest(path: string, method: string, body: unknown): string[] {
    const op = this.operation(path, method);
    const schema = op?.requestBody?.content?.["application/json"]?.schema;
    const ref = pointer("paths", path, method.toLowerCase(), "requestBody", "content", "application/json", "schema");
    const fn = this.validator(ref, schema !== undefined);
    if (!fn) throw new Error(`spec has no request schema for ${method} ${path}`);
    return fn(body) ? [] : (fn.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
  }
}
