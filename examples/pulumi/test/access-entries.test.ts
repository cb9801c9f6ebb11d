// aws-auth/pulumi/access-entries under Pulumi's runtime mocks: for every shared fixture
// manifest, the access-entries fixture with its role list, and the external corpus
// ($AWS_AUTH_CORPUS), the aws.eks.AccessEntry and aws.eks.AccessPolicyAssociation inputs are
// the plan's `migrate` entries and equal the EKS API calls of the CLI's `access-entries plan
// -o json` ($AWS_AUTH_CLI), one resource per call; everything else is in `notCreated`.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AwsAuth, type AccessEntriesPlan } from "aws-auth";
import { PlannedAccessEntries, principalName } from "aws-auth/pulumi/access-entries";

const root = path.join(__dirname, "..", "..", "..", "..");
const accessFixtures = path.join(root, "testing", "access-entries", "fixtures");
const CLI = process.env.AWS_AUTH_CLI;
const ENTRY = "aws:eks/accessEntry:AccessEntry";
const ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";

type Inputs = Record<string, unknown>;
const created: { type: string; name: string; inputs: Inputs }[] = [];

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        return args.inputs;
      },
    },
    "aws-auth-example",
    "test",
    false,
  );
});

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Waits until the engine (the mocks) has seen every resource of the component. */
async function registered(c: PlannedAccessEntries): Promise<void> {
  await valueOf(pulumi.all([c.urn, ...c.entries.map((e) => e.urn), ...c.policyAssociations.map((a) => a.urn)]));
}

/** The EKS API calls of the plan's `migrate` items, in the Pulumi resources' input names. */
function expected(plan: AccessEntriesPlan, clusterName: string) {
  const entries: Inputs[] = [];
  const associations: Inputs[] = [];
  for (const item of plan.items) {
    if (item.outcome !== "migrate") continue;
    const e = item.entry;
    const inputs: Inputs = { clusterName, principalArn: e.principalArn, type: e.type };
    if (e.username !== undefined) inputs.userName = e.username;
    if (e.kubernetesGroups?.length) inputs.kubernetesGroups = e.kubernetesGroups;
    entries.push(inputs);
    for (const p of e.accessPolicies ?? []) {
      associations.push({ clusterName, principalArn: e.principalArn, policyArn: p.policyArn, accessScope: p.accessScope });
    }
  }
  return { entries, associations };
}

/** The CLI's `-o json` calls, in the same names. */
function fromCli(file: string, args: string[]) {
  const r = spawnSync(CLI!, ["access-entries", "plan", "-f", file, "-o", "json", "--cluster-name", "prod", ...args], { encoding: "utf8" });
  assert.equal(r.status, 0, `${file}: ${r.stderr}`);
  const calls = JSON.parse(r.stdout) as { operation: string; input: Inputs }[];
  const entries = calls
    .filter((c) => c.operation === "CreateAccessEntry")
    .map(({ input: { username, clusterName, ...rest } }) => ({ clusterName, ...rest, ...(username !== undefined ? { userName: username } : {}) }));
  const associations = calls.filter((c) => c.operation === "AssociateAccessPolicy").map((c) => c.input);
  return { entries, associations };
}

const byPrincipal = (a: Inputs, b: Inputs) =>
  String(a.principalArn).localeCompare(String(b.principalArn)) || String(a.policyArn ?? "").localeCompare(String(b.policyArn ?? ""));
const sorted = (xs: Inputs[]) => [...xs].sort(byPrincipal);
/** A value with its object keys in one order (the mocks hand inputs over in their own). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Inputs)[k])]));
  }
  return v;
}
const plain = (xs: Inputs[]) => sorted(xs).map(canonical);

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

test("every manifest: the resources' inputs are the plan's entries and the CLI's API calls", async () => {
  let planned = 0;
  let resources = 0;
  for (const [i, c] of cases().entries()) {
    let auth: AwsAuth;
    try {
      auth = AwsAuth.parse(readFileSync(c.file, "utf8"));
    } catch {
      continue; // no document, no plan (the npm tests check that the CLI agrees)
    }
    const plan = auth.planAccessEntries(c.rolePaths ? { rolePaths: readFileSync(c.rolePaths, "utf8") } : {});
    auth.free();
    const name = `m${i}`;
    const component = new PlannedAccessEntries(name, { clusterName: "prod", plan });
    await registered(component);
    const mine = created.filter((r) => r.name.startsWith(`${name}-`));
    const entries = mine.filter((r) => r.type === ENTRY);
    const associations = mine.filter((r) => r.type === ASSOCIATION);
    const want = expected(plan, "prod");
    assert.deepEqual(plain(entries.map((r) => r.inputs)), plain(want.entries), `${c.file}: access entries`);
    assert.deepEqual(plain(associations.map((r) => r.inputs)), plain(want.associations), `${c.file}: policy associations`);
    assert.equal(mine.length, entries.length + associations.length, `${c.file}: nothing else`);
    // Names follow the principal alone (a rename would replace the entry).
    for (const r of entries) assert.equal(r.name, `${name}-${principalName(String(r.inputs.principalArn))}`);
    assert.deepEqual(
      component.notCreated,
      plan.items.filter((it) => it.outcome !== "migrate"),
      `${c.file}: every item not created is reported`,
    );
    if (CLI) {
      const cli = fromCli(c.file, c.rolePaths ? ["--role-paths", c.rolePaths] : []);
      assert.deepEqual(plain(entries.map((r) => r.inputs)), plain(cli.entries), `${c.file}: as the CLI's CreateAccessEntry calls`);
      assert.deepEqual(plain(associations.map((r) => r.inputs)), plain(cli.associations), `${c.file}: as the CLI's AssociateAccessPolicy calls`);
    }
    planned++;
    resources += mine.length;
  }
  console.log(`PlannedAccessEntries (Pulumi): ${planned} manifests, ${resources} resources`);
  assert.ok(planned >= 20 && resources >= 20, `${planned} manifests, ${resources} resources`);
});

test("the example program: examples/aws-auth.yaml as three access entries and two admin policies", async () => {
  const program = await import("../accessEntries.js");
  await registered(program.access);
  const entries = created.filter((r) => r.type === ENTRY && r.name.startsWith("access-"));
  const associations = created.filter((r) => r.type === ASSOCIATION && r.name.startsWith("access-"));
  assert.deepEqual(
    entries.map((r) => [r.inputs.principalArn, r.inputs.type]).sort(),
    [
      ["arn:aws:iam::555555555555:role/abc", "STANDARD"],
      ["arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6", "EC2_LINUX"],
      ["arn:aws:iam::555555555555:user/a-user", "STANDARD"],
    ],
  );
  // The node entry takes no username or groups; the admins keep their usernames.
  const node = entries.find((r) => r.inputs.type === "EC2_LINUX")!;
  assert.equal(node.inputs.userName, undefined);
  assert.equal(node.inputs.kubernetesGroups, undefined);
  assert.equal(entries.find((r) => r.inputs.principalArn === "arn:aws:iam::555555555555:user/a-user")!.inputs.userName, "ops-user");
  assert.deepEqual(
    associations.map((r) => r.inputs).sort(byPrincipal),
    ["arn:aws:iam::555555555555:role/abc", "arn:aws:iam::555555555555:user/a-user"].map((principalArn) => ({
      clusterName: "prod",
      principalArn,
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    })),
  );
  // The user's first entry is dead (the last one with the same ARN wins): reported, not created.
  assert.deepEqual(
    program.access.notCreated.map((i) => [i.source.key, i.source.index, i.outcome]),
    [["mapUsers", 0, "dead"]],
  );
  assert.equal(program.canSwitchToApi, true);
});
