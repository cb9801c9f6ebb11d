/**
 * The small HTTP layer shared by `aws-auth/cdk` and `aws-auth/pulumi`: reads and writes the
 * ConfigMap `kube-system/aws-auth` on a Kubernetes API server with Node's `https`, the
 * cluster's CA and a bearer token (or a client certificate), and applies or releases a
 * manager's entries through {@link AwsAuth.apply} / {@link AwsAuth.release} (contract §5).
 *
 * One write is one GET and one PUT carrying the `resourceVersion` read: the data and the
 * ownership annotation `aws-auth/managers` change together. A conflict (409: someone wrote in
 * between) re-reads and re-applies, a bounded number of times with jittered backoff. A
 * missing ConfigMap is created (POST) only when the edit adds something.
 */
import * as https from "node:https";
import { AwsAuth, AwsAuthError } from "./index.js";
import type { ApplyOptions, ApplyResult, Desired } from "./index.js";

/** The annotation that holds the ownership record. */
export const OWNERSHIP_ANNOTATION = "aws-auth/managers";

/** Where the API server is and how to authenticate to it. */
export interface KubeTarget {
  /** `https://host[:port]` (a path prefix is kept). */
  server: string;
  /** The cluster CA, PEM (or the base64 of the PEM, as EKS and kubeconfigs give it). */
  ca?: string;
  /** A bearer token, or a function that makes one (called once per request). */
  token?: string | (() => string | Promise<string>);
  /** A client certificate and key, PEM (kubeconfig `client-certificate-data`). */
  cert?: string;
  key?: string;
  /** `kube-system` unless given. */
  namespace?: string;
  /** `aws-auth` unless given. */
  name?: string;
  /** Per request, 30 s unless given. */
  timeoutMs?: number;
}

/** How often a conflicting write is re-applied. */
export interface RetryOptions {
  /** Attempts in all (the first included): 8 unless given. */
  maxAttempts?: number;
  /** First backoff in ms, doubled per attempt, jittered (full jitter): 50 unless given. */
  baseDelayMs?: number;
}

/** A failed request: one line, with the HTTP status. */
export class KubeError extends Error {
  readonly status: number | undefined;
  readonly code = "api-error";
  constructor(message: string, status?: number) {
    super(message);
    this.name = "KubeError";
    this.status = status;
  }
}

interface ConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  data?: Record<string, string>;
  [k: string]: unknown;
}

/** What an edit did, with how many attempts it took. */
export interface EditOutcome extends ApplyResult {
  /** Whether the ConfigMap was written (PUT or POST). */
  written: boolean;
  /** Whether it was created (POST). */
  created: boolean;
  /** GET + write rounds (1 unless a conflict made it re-apply). */
  attempts: number;
}

/** A PEM, also when given base64-encoded. */
export function pem(ca: string): string {
  if (ca.includes("-----BEGIN")) return ca;
  return Buffer.from(ca, "base64").toString("utf8");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

async function request(
  target: KubeTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const url = new URL(target.server.replace(/\/+$/, "") + path);
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = typeof target.token === "function" ? await target.token() : target.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload: Buffer | undefined;
  if (body !== undefined) {
    payload = Buffer.from(JSON.stringify(body));
    headers["Content-Type"] = "application/json";
    headers["Content-Length"] = String(payload.length);
  }
  const what = `${method} ${url.pathname}`;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        headers,
        ...(target.ca ? { ca: pem(target.ca) } : {}),
        ...(target.cert ? { cert: pem(target.cert) } : {}),
        ...(target.key ? { key: pem(target.key) } : {}),
        timeout: target.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown = undefined;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on("error", (e) => reject(new KubeError(`${what}: ${oneLine(e.message)}`)));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer in ${target.timeoutMs ?? 30_000} ms`)));
    req.on("error", (e) => reject(new KubeError(`${what}: ${oneLine(e.message)}`)));
    if (payload) req.write(payload);
    req.end();
  });
}

function failure(method: string, path: string, status: number, json: unknown): KubeError {
  const message =
    typeof json === "object" && json !== null && typeof (json as { message?: unknown }).message === "string"
      ? (json as { message: string }).message
      : typeof json === "string"
        ? json
        : "";
  return new KubeError(oneLine(`${method} ${path}: HTTP ${status}${message ? `: ${message}` : ""}`), status);
}

function configMapPath(target: KubeTarget, name = true): string {
  const ns = encodeURIComponent(target.namespace ?? "kube-system");
  const base = `/api/v1/namespaces/${ns}/configmaps`;
  return name ? `${base}/${encodeURIComponent(target.name ?? "aws-auth")}` : base;
}

/** Reads the ConfigMap; `undefined` when it does not exist. */
export async function getConfigMap(target: KubeTarget): Promise<ConfigMap | undefined> {
  const path = configMapPath(target);
  const { status, json } = await request(target, "GET", path);
  if (status === 404) return undefined;
  if (status !== 200) throw failure("GET", path, status, json);
  return json as ConfigMap;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads the ConfigMap, runs `edit` on it, and writes the result back in one PUT carrying the
 * `resourceVersion` read (POST when it did not exist and `edit` changed something). A 409
 * re-reads and re-runs `edit`, up to `retry.maxAttempts` rounds in all.
 */
export async function editConfigMap(
  target: KubeTarget,
  edit: (auth: AwsAuth, exists: boolean) => ApplyResult,
  retry: RetryOptions = {},
): Promise<EditOutcome> {
  const maxAttempts = Math.max(1, retry.maxAttempts ?? 8);
  const base = retry.baseDelayMs ?? 50;
  for (let attempt = 1; ; attempt++) {
    const current = await getConfigMap(target);
    const annotations = current?.metadata?.annotations ?? {};
    const auth = AwsAuth.fromData(current?.data ?? {}, annotations[OWNERSHIP_ANNOTATION]);
    try {
      const result = edit(auth, current !== undefined);
      if (!result.changed) return { ...result, written: false, created: false, attempts: attempt };
      const record = auth.ownershipRecord();
      const nextAnnotations = { ...annotations };
      if (record === undefined) delete nextAnnotations[OWNERSHIP_ANNOTATION];
      else nextAnnotations[OWNERSHIP_ANNOTATION] = record;
      let method: string;
      let path: string;
      let body: ConfigMap;
      if (current) {
        method = "PUT";
        path = configMapPath(target);
        const { annotations: _old, ...rest } = current.metadata ?? {};
        const metadata = Object.keys(nextAnnotations).length === 0 ? rest : { ...rest, annotations: nextAnnotations };
        body = { ...current, data: auth.data(), metadata };
      } else {
        method = "POST";
        path = configMapPath(target, false);
        body = {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: {
            name: target.name ?? "aws-auth",
            namespace: target.namespace ?? "kube-system",
            ...(record === undefined ? {} : { annotations: nextAnnotations }),
          },
          data: auth.data(),
        };
      }
      const { status, json } = await request(target, method, path, body);
      if (status === 200 || status === 201) {
        return { ...result, written: true, created: method === "POST", attempts: attempt };
      }
      // 409: a write in between (PUT: resourceVersion moved; POST: someone created it).
      if (status === 409 && attempt < maxAttempts) {
        await sleep(Math.random() * base * 2 ** (attempt - 1));
        continue;
      }
      throw failure(method, path, status, json);
    } finally {
      auth.free();
    }
  }
}

/** {@link AwsAuth.apply} against the live ConfigMap: see {@link editConfigMap}. */
export function applyLive(
  target: KubeTarget,
  manager: string,
  desired: Desired,
  options: ApplyOptions = {},
  retry: RetryOptions = {},
): Promise<EditOutcome> {
  return editConfigMap(target, (auth) => auth.apply(manager, desired, options), retry);
}

/**
 * {@link AwsAuth.release} against the live ConfigMap. A ConfigMap that does not exist has
 * nothing to release: nothing is written.
 */
export function releaseLive(
  target: KubeTarget,
  manager: string,
  options: ApplyOptions = {},
  retry: RetryOptions = {},
): Promise<EditOutcome> {
  return editConfigMap(
    target,
    (auth, exists) => (exists ? auth.release(manager, options) : { changes: [], drifted: [], changed: false }),
    retry,
  );
}

/** The one-line reason of a failed apply/release, as a deployment shows it. */
export function reason(err: unknown): string {
  if (err instanceof AwsAuthError) return oneLine(`aws-auth: ${err.code}: ${err.message}`);
  if (err instanceof Error) return oneLine(err.message);
  return oneLine(String(err));
}
