/**
 * The EKS bearer token, made as `aws eks get-token` and aws-iam-authenticator make it: a SigV4
 * presigned STS `GetCallerIdentity` URL, with the header `x-k8s-aws-id: <cluster name>`
 * signed, `X-Amz-Expires=60`, written as `k8s-aws-v1.` + base64url (no padding). The API
 * server's authenticator replays the URL to STS with its own cluster name in that header, so a
 * token made for another cluster fails STS's signature check.
 *
 * The signing is SigV4 with `node:crypto` (no dependency); credentials come from the AWS SDK
 * v3 default chain when `@aws-sdk/credential-providers` is installed (an optional peer
 * dependency: CDK and Pulumi users have it), else from the `AWS_*` environment variables (as
 * in AWS Lambda). A role to assume is assumed through STS `AssumeRole`, signed the same way.
 */
import { createHash, createHmac } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";

/** AWS credentials. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Credentials, or where to get them. */
export type CredentialSource = AwsCredentials | (() => Promise<AwsCredentials>);

export interface TokenOptions {
  /** The EKS cluster name (what the authenticator has as its cluster ID). */
  clusterName: string;
  /** STS region: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then `us-east-1`. */
  region?: string;
  /** The default chain unless given. */
  credentials?: CredentialSource;
  /** The signing time (tests); now unless given. */
  now?: Date;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const EMPTY_SHA256 = sha256("");

/** RFC 3986 encoding, as SigV4 wants it. */
function enc(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function amzDate(now: Date): string {
  return now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** The DNS suffix of a region's partition. */
export function dnsSuffix(region: string): string {
  if (region.startsWith("cn-")) return "amazonaws.com.cn";
  if (region.startsWith("us-iso-")) return "c2s.ic.gov";
  if (region.startsWith("us-isob-")) return "sc2s.sgov.gov";
  if (region.startsWith("eusc-")) return "amazonaws.eu";
  return "amazonaws.com";
}

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request");
}

function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${enc(k)}=${enc(params[k]!)}`)
    .join("&");
}

/** The region to use: given, `AWS_REGION`, `AWS_DEFAULT_REGION`, else `us-east-1`. */
export function defaultRegion(region?: string): string {
  return region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || "us-east-1";
}

/**
 * The credentials of the AWS SDK v3 default chain (`@aws-sdk/credential-providers`'s
 * `fromNodeProviderChain`) when that package is installed, else the environment variables.
 */
export async function defaultCredentials(): Promise<AwsCredentials> {
  let chain: (() => Promise<AwsCredentials>) | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const providers = require("@aws-sdk/credential-providers") as {
      fromNodeProviderChain: () => () => Promise<AwsCredentials>;
    };
    chain = providers.fromNodeProviderChain();
  } catch {
    chain = undefined;
  }
  if (chain) return chain();
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } =
    process.env;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      "no AWS credentials: install @aws-sdk/credential-providers for the default chain, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    );
  }
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

async function resolve(source?: CredentialSource): Promise<AwsCredentials> {
  if (source === undefined) return defaultCredentials();
  return typeof source === "function" ? source() : source;
}

/** The presigned STS URL inside a token (exported for tests). */
export function presignedUrl(clusterName: string, region: string, creds: AwsCredentials, now: Date): string {
  const host = `sts.${region}.${dnsSuffix(region)}`;
  const datetime = amzDate(now);
  const date = datetime.slice(0, 8);
  const scope = `${date}/${region}/sts/aws4_request`;
  const params: Record<string, string> = {
    Action: "GetCallerIdentity",
    Version: "2011-06-15",
    "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
    "X-Amz-Credential": `${creds.accessKeyId}/${scope}`,
    "X-Amz-Date": datetime,
    "X-Amz-Expires": "60",
    "X-Amz-SignedHeaders": "host;x-k8s-aws-id",
  };
  if (creds.sessionToken) params["X-Amz-Security-Token"] = creds.sessionToken;
  const query = canonicalQuery(params);
  const canonical = ["GET", "/", query, `host:${host}`, `x-k8s-aws-id:${clusterName}`, "", "host;x-k8s-aws-id", EMPTY_SHA256].join(
    "\n",
  );
  const toSign = ["AWS4-HMAC-SHA256", datetime, scope, sha256(canonical)].join("\n");
  const signature = createHmac("sha256", signingKey(creds.secretAccessKey, date, region, "sts")).update(toSign).digest("hex");
  return `https://${host}/?${query}&X-Amz-Signature=${signature}`;
}

/** An EKS bearer token for `clusterName` (valid 15 minutes from signing, as EKS counts). */
export async function eksToken(options: TokenOptions): Promise<string> {
  const creds = await resolve(options.credentials);
  const url = presignedUrl(options.clusterName, defaultRegion(options.region), creds, options.now ?? new Date());
  return `k8s-aws-v1.${Buffer.from(url).toString("base64url")}`;
}

/** A SigV4-signed (Authorization header) HTTPS request to an AWS JSON/query API. */
export async function awsRequest(opts: {
  method: "GET" | "POST";
  service: string;
  region: string;
  host: string;
  path: string;
  body?: string;
  contentType?: string;
  credentials?: CredentialSource;
}): Promise<{ status: number; text: string }> {
  const creds = await resolve(opts.credentials);
  // The SDK's endpoint override variables (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_EKS, or
  // AWS_ENDPOINT_URL): VPC endpoints, LocalStack, tests.
  const override = process.env[`AWS_ENDPOINT_URL_${opts.service.toUpperCase()}`] || process.env.AWS_ENDPOINT_URL;
  const endpoint = override ? new URL(override) : undefined;
  if (endpoint) opts = { ...opts, host: endpoint.host };
  const datetime = amzDate(new Date());
  const date = datetime.slice(0, 8);
  const body = opts.body ?? "";
  const headers: Record<string, string> = { host: opts.host, "x-amz-date": datetime };
  if (opts.contentType) headers["content-type"] = opts.contentType;
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const signed = names.join(";");
  const canonical = [opts.method, opts.path, "", ...names.map((n) => `${n}:${headers[n]}`), "", signed, sha256(body)].join("\n");
  const scope = `${date}/${opts.region}/${opts.service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", datetime, scope, sha256(canonical)].join("\n");
  const signature = createHmac("sha256", signingKey(creds.secretAccessKey, date, opts.region, opts.service))
    .update(toSign)
    .digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`;
  return new Promise((resolvePromise, reject) => {
    const client = endpoint?.protocol === "http:" ? http : https;
    const req = client.request(
      {
        method: opts.method,
        host: endpoint?.hostname ?? opts.host,
        ...(endpoint?.port ? { port: endpoint.port } : {}),
        path: opts.path,
        headers: { ...headers, "content-length": Buffer.byteLength(body) },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer in 30 s")));
    req.on("error", (e) => reject(new Error(`${opts.service} ${opts.method} ${opts.path}: ${e.message}`)));
    req.end(body);
  });
}

/** Credentials of `roleArn`, assumed through STS `AssumeRole` with `credentials`. */
export function assumeRole(roleArn: string, region?: string, credentials?: CredentialSource): () => Promise<AwsCredentials> {
  return async () => {
    const r = defaultRegion(region);
    const body = `Action=AssumeRole&Version=2011-06-15&RoleArn=${enc(roleArn)}&RoleSessionName=aws-auth&DurationSeconds=900`;
    const { status, text } = await awsRequest({
      method: "POST",
      service: "sts",
      region: r,
      host: `sts.${r}.${dnsSuffix(r)}`,
      path: "/",
      body,
      contentType: "application/x-www-form-urlencoded",
      ...(credentials ? { credentials } : {}),
    });
    const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
    const accessKeyId = field("AccessKeyId");
    const secretAccessKey = field("SecretAccessKey");
    const sessionToken = field("SessionToken");
    if (status !== 200 || !accessKeyId || !secretAccessKey) {
      const message = field("Message") ?? text.slice(0, 200);
      throw new Error(`sts:AssumeRole ${roleArn}: HTTP ${status}: ${message.replace(/\s+/g, " ")}`);
    }
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  };
}

/** EKS `DescribeCluster`: the endpoint and CA (base64 PEM) of `name`. */
export async function describeCluster(
  name: string,
  region?: string,
  credentials?: CredentialSource,
): Promise<{ endpoint: string; ca: string }> {
  const r = defaultRegion(region);
  const { status, text } = await awsRequest({
    method: "GET",
    service: "eks",
    region: r,
    host: `eks.${r}.${dnsSuffix(r)}`,
    path: `/clusters/${enc(name)}`,
    ...(credentials ? { credentials } : {}),
  });
  let json: { cluster?: { endpoint?: string; certificateAuthority?: { data?: string } }; message?: string } = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* reported below */
  }
  const endpoint = json.cluster?.endpoint;
  const ca = json.cluster?.certificateAuthority?.data;
  if (status !== 200 || !endpoint || !ca) {
    throw new Error(`eks:DescribeCluster ${name}: HTTP ${status}: ${(json.message ?? text.slice(0, 200)).replace(/\s+/g, " ")}`);
  }
  return { endpoint, ca };
}
