// PlannedAccessEntries (aws-auth/cdk) synthesized with the real aws-cdk-lib: for every shared
// fixture manifest, the access-entries fixture with its role list, and the external corpus
// ($AWS_AUTH_CORPUS), the template's AWS::EKS::AccessEntry resources are the plan's `migrate`
// entries (rebuilt here in CloudFormation's names) and equal the CLI's `access-entries plan -o
// cloudformation` resources ($AWS_AUTH_CLI); everything else is in `notCreated`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App, CfnParameter, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsAuth, type AccessEntriesPlan } from "aws-auth";
import { PlannedAccessEntries } from "aws-auth/cdk";
import { AccessEntriesStack } from "../lib/access-entries-stack";

const root = path.join(__dirname, "..", "..", "..", "..");
const accessFixtures = path.join(root, "testing", "access-entries", "fixtures");
const CLI = process.env.AWS_AUTH_CLI;

type Json = Record<string, unknown>;

interface Case {
  file: string;
  rolePaths?: string;
}

function cases(): Case[] {
  const dirs = [path.join(root, "testing", "fixtures", "manifests")];
  const corpus = process.env.AWS_AUTH_CORPUS;
  if (corpus && existsSync(corpus)) dirs.push(corpus);
  const out: Case[] = [{ file: path.join(accessFixtures, "all-rules.yaml"), rolePaths: path.join(accessFixtures, "roles.json") }];
  for (const dir of dirs) {
    for (const f of readdirSync(dir).sort()) if (/\.(ya?ml|json)$/.test(f)) out.push({ file: path.join(dir, f) });
  }
  return out;
}

/** The plan's `migrate` entries as CloudFormation properties, in plan order. */
function expected(plan: AccessEntriesPlan, clusterName: unknown): Json[] {
  return plan.items.flatMap((item) => {
    if (item.outcome !== "migrate") return [];
    const e = item.entry;
    const props: Json = { ClusterName: clusterName, PrincipalArn: e.principalArn, Type: e.type };
    if (e.username !== undefined) props.Username = e.username;
    if (e.kubernetesGroups?.length) props.KubernetesGroups = e.kubernetesGroups;
    if (e.accessPolicies?.length) {
      props.AccessPolicies = e.accessPolicies.map((p) => ({
        PolicyArn: p.policyArn,
        AccessScope: { Type: p.accessScope.type, ...(p.accessScope.namespaces?.length ? { Namespaces: p.accessScope.namespaces } : {}) },
      }));
    }
    return [props];
  });
}

/** The AWS::EKS::AccessEntry resources of a template, by logical ID, in template order. */
function accessEntries(template: Json): [string, Json][] {
  const resources = (template.Resources ?? {}) as Record<string, { Type: string; Properties: Json }>;
  return Object.entries(resources)
    .filter(([, r]) => r.Type === "AWS::EKS::AccessEntry")
    .map(([id, r]) => [id, r.Properties]);
}

const byPrincipal = (a: Json, b: Json) => String(a.PrincipalArn).localeCompare(String(b.PrincipalArn));

function synth(plan: AccessEntriesPlan, clusterName?: string) {
  const app = new App({ outdir: mkdtempSync(path.join(os.tmpdir(), "aws-auth-cdk-ae-")) });
  const stack = new Stack(app, "Plan");
  const name = clusterName ?? new CfnParameter(stack, "ClusterName", { type: "String" }).valueAsString;
  const construct = new PlannedAccessEntries(stack, "AccessEntries", { clusterName: name, plan });
  // A stack with nothing in it is not a template CloudFormation takes (aws-cdk-lib warns).
  if (construct.entries.length === 0) {
    assert.equal(construct.node.children.length, 0);
    return { construct, template: { Resources: {} } as Json };
  }
  const template = app.synth().getStackByName(stack.stackName).template as Json;
  return { construct, template };
}

test("every manifest: the synthesized access entries are the plan's, and the CLI's CloudFormation", () => {
  let planned = 0;
  let created = 0;
  for (const c of cases()) {
    let auth: AwsAuth;
    try {
      auth = AwsAuth.parse(readFileSync(c.file, "utf8"));
    } catch {
      continue; // no document, no plan (the npm tests check that the CLI agrees)
    }
    const plan = auth.planAccessEntries(c.rolePaths ? { rolePaths: readFileSync(c.rolePaths, "utf8") } : {});
    auth.free();
    // The cluster name as a token: a CloudFormation parameter, as the CLI writes without --cluster-name.
    const { construct, template } = synth(plan);
    const got = accessEntries(template).map(([, p]) => p);
    assert.deepEqual(got, expected(plan, { Ref: "ClusterName" }), c.file);
    assert.equal(construct.entries.length, got.length);
    assert.deepEqual(
      construct.notCreated,
      plan.items.filter((i) => i.outcome !== "migrate"),
      `${c.file}: every item not created is reported`,
    );
    if (CLI) {
      const args = ["access-entries", "plan", "-f", c.file, "-o", "cloudformation", ...(c.rolePaths ? ["--role-paths", c.rolePaths] : [])];
      const r = spawnSync(CLI, args, { encoding: "utf8" });
      assert.equal(r.status, 0, `${c.file}: ${r.stderr}`);
      const cli = accessEntries(JSON.parse(r.stdout) as Json).map(([, p]) => p);
      assert.deepEqual([...got].sort(byPrincipal), [...cli].sort(byPrincipal), `${c.file}: as the CLI's -o cloudformation`);
    }
    planned++;
    created += got.length;
  }
  console.log(`PlannedAccessEntries: ${planned} manifests, ${created} access entries synthesized`);
  assert.ok(planned >= 20 && created >= 20, `${planned} manifests, ${created} entries`);
});

test("all rules: node types, cluster admin with its other groups, restored path, what is not created", () => {
  const auth = AwsAuth.parse(readFileSync(path.join(accessFixtures, "all-rules.yaml"), "utf8"));
  const plan = auth.planAccessEntries({ rolePaths: readFileSync(path.join(accessFixtures, "roles.json"), "utf8") });
  const { construct, template } = synth(plan, "prod");
  const t = Template.fromJSON(template);
  t.hasResourceProperties("AWS::EKS::AccessEntry", { ClusterName: "prod", PrincipalArn: "arn:aws:iam::111122223333:role/nodes", Type: "EC2_LINUX" });
  t.hasResourceProperties("AWS::EKS::AccessEntry", { PrincipalArn: "arn:aws:iam::111122223333:role/windows-nodes", Type: "EC2_WINDOWS" });
  t.hasResourceProperties("AWS::EKS::AccessEntry", { PrincipalArn: "arn:aws:iam::111122223333:role/fargate-pods", Type: "FARGATE_LINUX" });
  t.hasResourceProperties("AWS::EKS::AccessEntry", { PrincipalArn: "arn:aws:iam::111122223333:role/hybrid-nodes", Type: "HYBRID_LINUX" });
  // system:masters becomes the cluster-admin policy at cluster scope; the other group stays.
  t.hasResourceProperties("AWS::EKS::AccessEntry", {
    PrincipalArn: "arn:aws:iam::111122223333:role/admin",
    Type: "STANDARD",
    Username: "admin:{{SessionName}}",
    KubernetesGroups: ["platform-team"],
    AccessPolicies: [{ PolicyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", AccessScope: { Type: "cluster" } }],
  });
  // The role list gives the path that aws-auth cannot hold.
  t.hasResourceProperties("AWS::EKS::AccessEntry", { PrincipalArn: "arn:aws:iam::111122223333:role/eng/deploy" });
  const principals = accessEntries(template).map(([, p]) => p.PrincipalArn);
  for (const never of ["role/reserved", "role/session", "role/AWSServiceRoleForAmazonEKSNodegroup", "role/bootstrapper", "role/dup"]) {
    assert.ok(!principals.includes(`arn:aws:iam::111122223333:${never}`), `${never} is not created`);
  }
  const reasons = construct.notCreated.map((i) => (i.outcome === "notMigratable" ? i.reason : i.outcome));
  for (const r of ["reserved-username", "session-name-without-colon", "service-linked-role", "system-group", "dead", "map-accounts"]) {
    assert.ok(reasons.includes(r as never), `${r} in ${reasons.join(", ")}`);
  }
});

test("logical IDs follow the principal, not the position: adding a mapping replaces nothing", () => {
  const manifest = (roles: string[]) =>
    "data:\n  mapRoles: |\n" +
    roles.map((r) => `    - rolearn: arn:aws:iam::111122223333:role/${r}\n      username: ${r}\n      groups: [${r}-group]\n`).join("");
  const ids = (roles: string[]) => {
    const { template } = synth(AwsAuth.parse(manifest(roles)).planAccessEntries(), "prod");
    return new Map(accessEntries(template).map(([id, p]) => [p.PrincipalArn as string, id]));
  };
  const before = ids(["ops", "dev"]);
  const after = ids(["new", "dev", "ops"]);
  assert.equal(after.size, 3);
  for (const [principal, id] of before) assert.equal(after.get(principal), id, principal);
});

test("the example stack (bin/app.ts) plans examples/aws-auth.yaml", () => {
  const app = new App();
  const manifest = readFileSync(path.join(root, "examples", "aws-auth.yaml"), "utf8");
  const stack = new AccessEntriesStack(app, "AccessEntries", { clusterName: "prod", manifest });
  const template = Template.fromStack(stack);
  const entries = template.findResources("AWS::EKS::AccessEntry");
  // A node role and the system:masters role and user: three entries, one of them a node entry.
  assert.equal(Object.keys(entries).length, 3);
  template.hasResourceProperties("AWS::EKS::AccessEntry", {
    PrincipalArn: "arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6",
    Type: "EC2_LINUX",
  });
  // The user's two entries: the first is dead (the last one with the same ARN wins).
  assert.deepEqual(
    stack.entries.notCreated.map((i) => [i.source.key, i.source.index, i.outcome]),
    [["mapUsers", 0, "dead"]],
  );
});
