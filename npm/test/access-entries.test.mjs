// auth.planAccessEntries against the CLI binary ($AWS_AUTH_CLI, set by scripts/test.sh): for
// every shared fixture manifest and every manifest of the external corpus (the parity
// directory, $AWS_AUTH_PARITY_DIR), and for the access-entries fixture with role paths and
// existing entries, the plan must say what `aws-auth access-entries plan` prints:
// - `-o json` (the EKS API calls) equals the plan's `requests`, and equals the calls rebuilt
//   here from the `migrate` items alone (principal with its path, type, username, groups,
//   policies with their scope, in order);
// - `-o table` has one row per item, starting with the item's mapping and ending with its
//   outcome (`create`, `exists`, `exists, lacks ...`, `not migratable (<reason>): ...`,
//   `dead (<kind>): ...`), then the notes, unread keys and the verdict the plan holds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { AwsAuth, AwsAuthError } from "aws-auth";

const CLI = process.env.AWS_AUTH_CLI;
const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, "fixtures");
const accessFixtures = path.join(fixtures, "access-entries");
const CLUSTER = "prod";

function cli(args) {
  const r = spawnSync(CLI, ["access-entries", "plan", ...args], { encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The manifests: the parity directory (fixtures + corpus), else the fixtures alone. */
function manifests() {
  const dir = process.env.AWS_AUTH_PARITY_DIR ?? fixtures;
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The EKS API calls of the `migrate` items, as the EKS service model names their inputs. */
function requestsOf(plan, clusterName) {
  const out = [];
  for (const item of plan.items) {
    if (item.outcome !== "migrate") continue;
    const e = item.entry;
    const input = { clusterName, principalArn: e.principalArn, type: e.type };
    if (e.username !== undefined) input.username = e.username;
    if (e.kubernetesGroups?.length) input.kubernetesGroups = e.kubernetesGroups;
    out.push({ operation: "CreateAccessEntry", input });
    for (const p of e.accessPolicies ?? []) {
      out.push({
        operation: "AssociateAccessPolicy",
        input: { clusterName, principalArn: e.principalArn, policyArn: p.policyArn, accessScope: p.accessScope },
      });
    }
  }
  return out;
}

/** How the CLI names a mapping (`Source::label`). */
function label(source) {
  const what = source.arn ?? (source.sso ? `sso ${source.sso.accountID}/${source.sso.permissionSetName}` : "(no ARN)");
  return `${source.key}[${source.index}] ${what}`;
}

function status(item) {
  switch (item.outcome) {
    case "migrate":
      return "create";
    case "covered":
      return "exists";
    case "conflicts":
      return `exists, lacks ${item.existing.missing.join(", ")}`;
    case "notMigratable":
      return `not migratable (${item.reason}): ${item.message}`;
    case "dead":
      return `dead (${item.kind}): ${item.message}`;
    default:
      throw new Error(`unknown outcome ${item.outcome}`);
  }
}

/** The table's lines after the rows, from the plan. */
function tail(plan) {
  const out = [];
  for (const item of plan.items) for (const n of item.notes ?? []) out.push(`note: ${label(item.source)}: ${n}`);
  for (const k of plan.unreadKeys ?? []) {
    out.push(`note: ${k} does not parse: the authenticator ignores all of it today, nothing of it is planned`);
  }
  const v = plan.verdict;
  if (v.canSwitchToApi) {
    assert.equal(v.losses, undefined);
    out.push("verdict: once these entries exist, the cluster can switch to API mode without anyone losing access");
  } else {
    out.push(`verdict: switching to API mode now would cut off ${v.losses.length} mapping(s):`);
    for (const l of v.losses) out.push(`  ${l.who}: ${l.why}`);
  }
  if (!v.hasClusterAdmin) out.push("warning: no planned or existing access entry is a cluster administrator");
  return out;
}

/** Compares the plan with the CLI's json and table outputs for the same inputs. */
function assertSameAsCli(file, plan, cliArgs) {
  const json = cli(["-f", file, "-o", "json", "--cluster-name", CLUSTER, ...cliArgs]);
  assert.equal(json.status, 0, `${file}: ${json.stderr}`);
  const calls = JSON.parse(json.stdout);
  assert.deepEqual(plan.requests, calls, `${file}: requests`);
  assert.deepEqual(requestsOf(plan, CLUSTER), calls, `${file}: the migrate items`);

  const table = cli(["-f", file, "-o", "table", ...cliArgs]);
  assert.equal(table.status, 0, `${file}: ${table.stderr}`);
  const lines = table.stdout.split("\n");
  assert.equal(lines.pop(), "", "a final newline");
  assert.match(lines[0], /^MAPPING\s+PRINCIPAL\s+TYPE\s+USERNAME\s+GROUPS \/ POLICIES\s+STATUS$/);
  plan.items.forEach((item, i) => {
    const row = lines[i + 1];
    assert.ok(row.startsWith(label(item.source)), `${file}: row ${i + 1} ${JSON.stringify(row)} is about ${label(item.source)}`);
    assert.ok(row.endsWith(status(item)), `${file}: row ${i + 1} ${JSON.stringify(row)} ends with ${JSON.stringify(status(item))}`);
    if ("entry" in item) {
      assert.ok(row.includes(item.entry.principalArn) && row.includes(item.entry.type), `${file}: row ${i + 1} shows the entry`);
    }
  });
  assert.deepEqual(lines.slice(plan.items.length + 1), tail(plan), `${file}: notes and verdict`);
}

test("every fixture and corpus manifest: the plan is the CLI's, item by item", () => {
  assert.ok(CLI, "AWS_AUTH_CLI is not set (npm/scripts/test.sh sets it)");
  const seen = { manifests: 0, refused: 0, items: 0 };
  const outcomes = new Set();
  for (const file of manifests()) {
    const text = readFileSync(file, "utf8");
    let auth;
    try {
      auth = AwsAuth.parse(text);
    } catch (err) {
      assert.ok(err instanceof AwsAuthError, `${file}: ${err}`);
      // No document, no plan: the CLI refuses the manifest too.
      assert.equal(cli(["-f", file]).status, 1, `${file}: the CLI plans what npm cannot parse`);
      seen.refused++;
      continue;
    }
    const plan = auth.planAccessEntries({ clusterName: CLUSTER });
    // A plan without a cluster name is the same plan, without the requests.
    const { requests, ...rest } = plan;
    assert.ok(Array.isArray(requests));
    assert.deepEqual(auth.planAccessEntries(), rest);
    assertSameAsCli(file, plan, []);
    seen.manifests++;
    seen.items += plan.items.length;
    for (const i of plan.items) outcomes.add(i.outcome);
    auth.free();
  }
  console.log(`access entries: ${seen.manifests} manifests planned (${seen.items} mappings), ${seen.refused} refused by both`);
  assert.ok(seen.manifests >= 20, `${seen.manifests} manifests`);
  for (const o of ["migrate", "notMigratable", "dead"]) assert.ok(outcomes.has(o), `no ${o} item in the manifests`);
});

// Existing entries for all-rules.yaml: one covers the admin mapping, one lacks the deploy
// mapping's groups, plus a cluster admin that is not in aws-auth.
const EXISTING = [
  {
    accessEntry: {
      clusterName: CLUSTER,
      principalArn: "arn:aws:iam::111122223333:role/admin",
      type: "STANDARD",
      username: "admin:{{SessionName}}",
      kubernetesGroups: ["platform-team"],
    },
  },
  {
    clusterName: CLUSTER,
    principalArn: "arn:aws:iam::111122223333:role/admin",
    associatedAccessPolicies: [
      { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster", namespaces: [] } },
    ],
  },
  { principalArn: "arn:aws:iam::111122223333:role/eng/deploy", type: "STANDARD" },
];

test("role paths and existing entries: restored paths, covered and conflicting mappings, as the CLI says", () => {
  assert.ok(CLI, "AWS_AUTH_CLI is not set (npm/scripts/test.sh sets it)");
  const manifest = path.join(accessFixtures, "all-rules.yaml");
  const rolesFile = path.join(accessFixtures, "roles.json");
  const work = mkdtempSync(path.join(tmpdir(), "aws-auth-ae-"));
  const existingFile = path.join(work, "existing.json");
  // Concatenated values, as a loop of `aws eks describe-access-entry` prints them.
  writeFileSync(existingFile, EXISTING.map((v) => JSON.stringify(v, null, 2)).join("\n"));
  const auth = AwsAuth.parse(readFileSync(manifest, "utf8"));
  const rolesText = readFileSync(rolesFile, "utf8");

  const fromText = auth.planAccessEntries({ clusterName: CLUSTER, existing: readFileSync(existingFile, "utf8"), rolePaths: rolesText });
  const fromValues = auth.planAccessEntries({ clusterName: CLUSTER, existing: EXISTING, rolePaths: JSON.parse(rolesText) });
  assert.deepEqual(fromValues, fromText, "parsed values and JSON text give the same plan");
  assertSameAsCli(manifest, fromText, ["--existing", existingFile, "--role-paths", rolesFile]);

  const byArn = (arn) => fromText.items.find((i) => i.source.arn === arn);
  // aws-auth cannot hold the path; the access entry needs it.
  const deploy = byArn("arn:aws:iam::111122223333:role/deploy");
  assert.equal(deploy.outcome, "conflicts", JSON.stringify(deploy));
  assert.equal(deploy.entry.principalArn, "arn:aws:iam::111122223333:role/eng/deploy");
  assert.ok(deploy.existing.missing.length > 0);
  const admin = byArn("arn:aws:iam::111122223333:role/admin");
  assert.equal(admin?.outcome, "covered", JSON.stringify(admin));
  assert.equal(admin.existing.principalArn, "arn:aws:iam::111122223333:role/admin");
  // Neither is created again.
  const created = fromText.requests.filter((r) => r.operation === "CreateAccessEntry").map((r) => r.input.principalArn);
  assert.ok(!created.includes(deploy.entry.principalArn) && !created.includes(admin.entry.principalArn), created.join(" "));
  // Without the inputs, the same mappings are planned as new entries, the path unknown.
  const bare = auth.planAccessEntries().items.find((i) => i.source.arn === "arn:aws:iam::111122223333:role/deploy");
  assert.equal(bare.outcome, "migrate");
  assert.equal(bare.entry.principalArn, "arn:aws:iam::111122223333:role/deploy");
});

test("clusterAccount: node roles of another account are not migratable, as with --cluster-account", () => {
  const manifest = path.join(accessFixtures, "all-rules.yaml");
  const auth = AwsAuth.parse(readFileSync(manifest, "utf8"));
  const plan = auth.planAccessEntries({ clusterName: CLUSTER, clusterAccount: "999999999999" });
  const nodes = plan.items.find((i) => i.source.arn === "arn:aws:iam::111122223333:role/nodes");
  assert.equal(nodes.outcome, "notMigratable");
  assert.equal(nodes.reason, "node-role-of-other-account");
  if (CLI) assertSameAsCli(manifest, plan, ["--cluster-account", "999999999999"]);
});

test("bad inputs throw AwsAuthError invalid-argument naming the option, as the CLI refuses the file", () => {
  const auth = AwsAuth.parse(readFileSync(path.join(accessFixtures, "all-rules.yaml"), "utf8"));
  const cases = [
    [{ existing: "{" }, /^existing: not JSON at line 1/],
    [{ existing: [{ accessEntries: ["arn:aws:iam::111122223333:role/admin"] }] }, /^existing: value 0: list-access-entries names principals only/],
    [{ existing: 42 }, /^existing must be JSON text, an object or an array, got number/],
    [{ rolePaths: { Users: [] } }, /^rolePaths: value 0: expected \{"Roles"/],
    [{ rolePaths: [{ RoleName: "x" }] }, /^rolePaths: value 0: a role without "Arn"/],
    [{ clusterName: 7 }, /^clusterName must be a string/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => auth.planAccessEntries(options), (err) => {
      assert.ok(err instanceof AwsAuthError, String(err));
      assert.equal(err.code, "invalid-argument");
      assert.match(err.message, message);
      return true;
    });
  }
  assert.throws(() => auth.planAccessEntries("prod"), (err) => err instanceof AwsAuthError && err.code === "invalid-argument");
  if (CLI) {
    // The CLI refuses the same text, with the same reason after the file name.
    const work = mkdtempSync(path.join(tmpdir(), "aws-auth-ae-"));
    const bad = path.join(work, "existing.json");
    writeFileSync(bad, "{");
    const r = cli(["-f", path.join(accessFixtures, "all-rules.yaml"), "--existing", bad]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /existing\.json: not JSON at line 1, column 1/);
  }
});

test("an empty ConfigMap plans nothing and warns that no cluster admin is left", () => {
  const plan = AwsAuth.parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata: {}\n").planAccessEntries({ clusterName: CLUSTER });
  assert.deepEqual(plan.items, []);
  assert.deepEqual(plan.requests, []);
  assert.equal(plan.verdict.canSwitchToApi, true);
  assert.equal(plan.verdict.hasClusterAdmin, false);
});
