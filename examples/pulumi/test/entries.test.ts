// aws-auth/pulumi: the program under Pulumi's runtime mocks, and the dynamic provider's
// create/diff/update/delete against the project's real API server (AWS_AUTH_TEST_CLUSTER, the
// testing/cluster `serve` binary that npm/scripts/test.sh builds).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { createInterface } from "node:readline";
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { provider, entryDiff, type AwsAuthEntriesState } from "aws-auth/pulumi";

function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

test("the program under Pulumi's mocks: one dynamic resource with the manager and the entries", async () => {
  const created: pulumi.runtime.MockResourceArgs[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        created.push(args);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call(args) {
        return args.inputs;
      },
    },
    "aws-auth-example",
    "test",
    false,
  );
  const program = await import("../entries.js");
  assert.equal(await valueOf(program.manager), "pulumi:aws-auth-example/test/team");
  const resource = created.find((r) => r.name === "team");
  assert.ok(resource, JSON.stringify(created.map((r) => r.type)));
  assert.equal(resource.type, "pulumi-nodejs:dynamic/AwsAuthEntries:Resource");
  assert.equal((resource.inputs.roles as { rolearn: string }[])[0]!.rolearn, "arn:aws:iam::777788889999:role/extra-node-group");
  assert.equal(typeof resource.inputs.__provider, "string", "the provider is serialized for the engine");
});

test("entryDiff names the entries that change", () => {
  const r = (n: string, groups = ["g"]) => ({ rolearn: `arn:aws:iam::111122223333:role/${n}`, username: n, groups });
  assert.deepEqual(
    entryDiff({ roles: [r("a"), r("b")], accounts: ["111122223333"] }, { roles: [r("b", ["h"]), r("c")], accounts: ["111122223333", "444455556666"] }),
    { "old roles[0]": "delete", "roles[0]": "update", "roles[1]": "add", "accounts[1]": "add" },
  );
});

test("the provider against the real API server: create, diff, update, delete", async (t) => {
  const serve = process.env.AWS_AUTH_TEST_CLUSTER;
  if (!serve) return t.skip("AWS_AUTH_TEST_CLUSTER is not set (npm/scripts/test.sh sets it)");
  const child = spawn(serve, [], { stdio: ["pipe", "pipe", "inherit"] });
  try {
    const cluster = await new Promise<{ server: string; ca: string; token: string; kubeconfig: string }>((resolve, reject) => {
      child.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
      createInterface({ input: child.stdout! }).once("line", (line) => resolve(JSON.parse(line)));
    });
    const kubectl = (...args: string[]) => execFileSync("kubectl", ["--kubeconfig", cluster.kubeconfig, "--context", "admin", ...args], { encoding: "utf8" });
    const data = () => JSON.parse(kubectl("-n", "kube-system", "get", "configmap", "aws-auth", "-o", "json")) as { data: Record<string, string>; metadata: { annotations?: Record<string, string> } };
    const nodes = "- rolearn: arn:aws:iam::111122223333:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:bootstrappers\n    - system:nodes\n";
    kubectl("-n", "kube-system", "create", "configmap", "aws-auth", `--from-literal=mapRoles=${nodes}`);
    // A token kubeconfig (JSON, as @pulumi/eks gives it) and the YAML client-certificate one.
    const tokenKubeconfig = JSON.stringify({
      "current-context": "t",
      contexts: [{ name: "t", context: { cluster: "c", user: "u" } }],
      clusters: [{ name: "c", cluster: { server: cluster.server, "certificate-authority-data": Buffer.from(cluster.ca).toString("base64") } }],
      users: [{ name: "u", user: { token: cluster.token } }],
    });
    const yamlKubeconfig = readFileSync(cluster.kubeconfig, "utf8");
    const r = (n: string, groups = ["team"]) => ({ rolearn: `arn:aws:iam::111122223333:role/${n}`, username: n, groups });
    const v1: AwsAuthEntriesState = { kubeconfig: tokenKubeconfig, manager: "pulumi:p/s/team", roles: [r("ci")], users: [], accounts: ["444455556666"] };
    const created = await provider.create!(v1);
    assert.equal(created.id, "pulumi:p/s/team");
    assert.deepEqual(created.outs.changes, ["added arn:aws:iam::111122223333:role/ci", "added 444455556666"]);
    assert.ok(data().data.mapRoles!.startsWith(nodes));

    const v2: AwsAuthEntriesState = { ...v1, kubeconfig: yamlKubeconfig, context: "admin", roles: [r("ci", ["team", "deployers"]), r("ci2")], accounts: [] };
    const diff = await provider.diff!(created.id, v1, v2);
    assert.equal(diff.changes, true);
    assert.deepEqual(diff.replaces, []);
    assert.deepEqual(entryDiff(v1, v2), { "roles[0]": "update", "roles[1]": "add", "old accounts[0]": "delete" });
    const same = await provider.diff!(created.id, v1, { ...v1 });
    assert.equal(same.changes, false);
    const updated = await provider.update!(created.id, v1, v2);
    assert.deepEqual(updated.outs.changes, ["updated arn:aws:iam::111122223333:role/ci", "added arn:aws:iam::111122223333:role/ci2", "removed 444455556666"]);

    // Another owner's entry is refused, one line.
    await assert.rejects(provider.create!({ ...v1, manager: "other", roles: [r("ci", ["x"])], accounts: [] }), /^Error: aws-auth: owned: .*pulumi:p\/s\/team/);

    await provider.delete!(created.id, v2);
    const after = data();
    assert.equal(after.data.mapRoles, nodes);
    assert.equal(after.metadata.annotations?.["aws-auth/managers"], undefined);
  } finally {
    child.stdin!.end();
  }
});
