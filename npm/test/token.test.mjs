// The EKS token maker (aws-auth/token) against aws-iam-authenticator's own verifier
// (pkg/token's Verifier.Verify, in testing/authcheck/tokencheck), with STS answered locally by
// a stand-in that checks the SigV4 signature with the verifier's cluster ID in x-k8s-aws-id.
// Runs from scripts/test.sh, which sets AWS_AUTH_TOKENCHECK to that binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { eksToken, presignedUrl } from "aws-auth/token";

const CHECK = process.env.AWS_AUTH_TOKENCHECK;
const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const verify = (cluster, tokens, secret = creds.secretAccessKey) =>
  execFileSync(CHECK, ["-cluster", cluster, "-secret", secret], { input: tokens.join("\n") + "\n", encoding: "utf8" })
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

test("the token's shape: k8s-aws-v1. + unpadded base64url of a presigned STS URL, 60 s, header signed", async () => {
  const token = await eksToken({ clusterName: "prod", region: "eu-west-1", credentials: creds });
  assert.match(token, /^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
  const url = new URL(Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString());
  assert.equal(url.host, "sts.eu-west-1.amazonaws.com");
  assert.equal(url.searchParams.get("Action"), "GetCallerIdentity");
  assert.equal(url.searchParams.get("X-Amz-Expires"), "60");
  assert.equal(url.searchParams.get("X-Amz-SignedHeaders"), "host;x-k8s-aws-id");
});

test("aws-iam-authenticator's verifier: right cluster accepted; other cluster, expired, unsigned header, wrong key rejected", async (t) => {
  assert.ok(CHECK, "set AWS_AUTH_TOKENCHECK to testing/authcheck's tokencheck binary");
  const right = await eksToken({ clusterName: "test-cluster", region: "us-east-1", credentials: creds });
  const session = await eksToken({ clusterName: "test-cluster", region: "us-east-1", credentials: { ...creds, sessionToken: "FwoGZXIvYXdzE+/=session" } });
  const other = await eksToken({ clusterName: "other-cluster", region: "us-east-1", credentials: creds });
  const expired = await eksToken({ clusterName: "test-cluster", region: "us-east-1", credentials: creds, now: new Date(Date.now() - 16 * 60_000) });
  // A URL whose signature does not cover x-k8s-aws-id.
  const unsignedUrl = presignedUrl("test-cluster", "us-east-1", creds, new Date()).replace("host%3Bx-k8s-aws-id", "host");
  const unsigned = `k8s-aws-v1.${Buffer.from(unsignedUrl).toString("base64url")}`;
  const [ok, okSession, bad, old, noHeader] = verify("test-cluster", [right, session, other, expired, unsigned]);
  assert.equal(ok.ok, true, JSON.stringify(ok));
  assert.equal(ok.canonicalArn, "arn:aws:iam::111122223333:role/deployer");
  assert.equal(ok.accessKeyId, "AKIDEXAMPLE");
  assert.equal(ok.stsEndpoint, "sts.us-east-1.amazonaws.com");
  assert.equal(okSession.ok, true, JSON.stringify(okSession));
  assert.equal(bad.ok, false);
  assert.match(bad.error, /SignatureDoesNotMatch/);
  assert.equal(old.ok, false);
  assert.match(old.error, /expired/);
  assert.equal(noHeader.ok, false);
  assert.match(noHeader.error, /did not sign the x-k8s-aws-id header/);
  // The stand-in really checks the signature: another secret fails the right token.
  const [wrongKey] = verify("test-cluster", [right], "not-the-secret");
  assert.equal(wrongKey.ok, false);
  // Another partition's host is refused by the verifier itself.
  const cn = await eksToken({ clusterName: "test-cluster", region: "cn-north-1", credentials: creds });
  const [cnResult] = verify("test-cluster", [cn]);
  assert.equal(cnResult.ok, false);
  t.diagnostic(`accepted: ${ok.arn}`);
});

test("the Lambda's AWS path: AssumeRole of the kubectl role, DescribeCluster, a token as that role", async () => {
  const { createServer } = await import("node:http");
  const { awsDeps } = await import("aws-auth/cdk/handler");
  const seen = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, token: req.headers["x-amz-security-token"], body });
      if (req.method === "POST") {
        res.end(`<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-session</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>`);
      } else {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ cluster: { endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com", certificateAuthority: { data: "LS0tCA==" } } }));
      }
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: `http://127.0.0.1:${server.address().port}`,
    AWS_ACCESS_KEY_ID: "AKIDLAMBDA",
    AWS_SECRET_ACCESS_KEY: "lambda-secret",
    AWS_SESSION_TOKEN: "lambda-session",
  });
  try {
    const target = await awsDeps.target({ ClusterName: "prod", Region: "eu-west-1", RoleArn: "arn:aws:iam::111122223333:role/eks-kubectl" });
    assert.equal(target.server, "https://ABC.gr7.eu-west-1.eks.amazonaws.com");
    assert.equal(target.ca, "LS0tCA==");
    const [assume, describe] = seen;
    assert.match(assume.auth, /^AWS4-HMAC-SHA256 Credential=AKIDLAMBDA\/\d{8}\/eu-west-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
    assert.equal(assume.token, "lambda-session");
    assert.match(assume.body, /Action=AssumeRole&.*RoleArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Feks-kubectl/);
    assert.equal(describe.url, "/clusters/prod");
    assert.match(describe.auth, /Credential=ASIAASSUMED\/\d{8}\/eu-west-1\/eks\/aws4_request/);
    const token = await target.token();
    const url = new URL(Buffer.from(token.slice("k8s-aws-v1.".length), "base64url").toString());
    assert.equal(url.host, "sts.eu-west-1.amazonaws.com");
    assert.match(url.searchParams.get("X-Amz-Credential"), /^ASIAASSUMED\//);
    assert.equal(url.searchParams.get("X-Amz-Security-Token"), "assumed-session");
    if (CHECK) {
      const out = execFileSync(CHECK, ["-cluster", "prod", "-secret", "assumed-secret", "-region", "eu-west-1"], { input: token + "\n", encoding: "utf8" });
      assert.equal(JSON.parse(out).ok, true, out);
    }
  } finally {
    server.close();
  }
});
