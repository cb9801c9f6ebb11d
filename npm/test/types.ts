// Type-checked (tsc --strict --noEmit) against the installed package; not run.
import { AwsAuth, AwsAuthError, type Diagnostic, type EditResult, type RoleMapping, type UserMapping, type ConfigMapManifest } from "aws-auth";

const auth: AwsAuth = AwsAuth.parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n");
const r: EditResult = auth.upsertRole({ rolearn: "arn:aws:iam::111122223333:role/x", username: "x", groups: ["g"] }, { append: true, updateUsername: false });
const action: "added" | "updated" | "unchanged" | "removed" = r.action;
auth.upsertUser({ userarn: "arn:aws:iam::111122223333:user/u", username: "u", groups: [] });
auth.removeRole({ rolearn: "arn:aws:iam::111122223333:role/x" }, { force: true });
auth.removeUser({ userarn: "arn:aws:iam::111122223333:user/u", username: "u" });
auth.removeByUsername("x", { force: true, allowLockout: false });
auth.addAccount("111122223333");
auth.removeAccount("111122223333");
const roles: RoleMapping[] = auth.roles;
const users: UserMapping[] = auth.users;
const accounts: string[] = auth.accounts;
const diags: Diagnostic[] = auth.validate();
const text: string = auth.toString();
const manifest: ConfigMapManifest = auth.toManifest();
const ns: string = manifest.metadata.namespace;
try {
  AwsAuth.parse(text);
} catch (e) {
  if (e instanceof AwsAuthError) {
    const code: string = e.code;
    const d: Diagnostic[] = e.diagnostics;
    void code, d;
  }
}
// @ts-expect-error rolearn is required
auth.upsertRole({ username: "x" });
void action, roles, users, accounts, diags, ns;

// ---- The types generated from the Rust boundary types (crates/aws-auth-wasm/src/types.rs,
// by tsify, into dist/wasm/aws_auth_wasm.d.ts) as the package exports them. The build
// regenerates them; these lines fail to compile when they drift from what the TypeScript
// layer and its users rely on: a renamed field, a lost `op`, a widened action.
import type { Action, Change, DataKey, Edit, EditOptions, Remove, Severity, Upsert } from "aws-auth";

const everyEdit: Edit[] = [
  { op: "upsertRole", arn: "arn:aws:iam::111122223333:role/x", username: "x", groups: ["g"], append: false, updateUsername: true },
  { op: "upsertUser", arn: "arn:aws:iam::111122223333:user/u" },
  { op: "removeRole", arn: "arn:aws:iam::111122223333:role/x", username: "x", groups: ["g"] },
  { op: "removeUser", arn: "arn:aws:iam::111122223333:user/u" },
  { op: "removeByUsername", username: "x" },
  { op: "addAccount", account: "111122223333" },
  { op: "removeAccount", account: "111122223333" },
];
const editOptions: EditOptions = { force: true, allowLockout: false };
const upsert: Upsert = { arn: "a" };
const remove: Remove = { arn: "a" };
// @ts-expect-error every edit names its operation
const noOp: Edit = { arn: "a" };
// @ts-expect-error an unknown operation
const badOp: Edit = { op: "upsertAccount", account: "111122223333" };
// @ts-expect-error addAccount takes an account, not an ARN
const accountByArn: Edit = { op: "addAccount", arn: "a" };
// @ts-expect-error groups are strings
const badGroups: Upsert = { arn: "a", groups: [1] };

// The core's actions: `adopted`, `kept` and `forgotten` come from its ownership calls (apply_as,
// release), which this package does not expose yet; its calls return the first four.
const actions: Action[] = ["added", "updated", "unchanged", "removed", "adopted", "kept", "forgotten"];
// @ts-expect-error no other action
const badAction: Action = "deleted";
const keys: DataKey[] = ["mapRoles", "mapUsers", "mapAccounts"];
const severities: Severity[] = ["error", "warning"];
const change: Change = r.changes[0] ?? { action: "added", key: "mapRoles", subject: "a" };
const changeAction: "added" | "updated" | "unchanged" | "removed" | "adopted" | "kept" | "forgotten" = change.action;
const changeKey: "mapRoles" | "mapUsers" | "mapAccounts" = change.key;
const note: string | undefined = change.note;
const diagnostic: Diagnostic | undefined = diags[0];
const severity: "error" | "warning" | undefined = diagnostic?.severity;
const where: [string | undefined, number | undefined, number | undefined, number | undefined] = [
  diagnostic?.key, diagnostic?.entry, diagnostic?.line, diagnostic?.column,
];
void everyEdit, editOptions, upsert, remove, noOp, badOp, accountByArn, badGroups;
void actions, badAction, keys, severities, changeAction, changeKey, note, severity, where;

// The deploy-time pieces without a framework: the HTTP layer, the token maker, the CDK handler.
import { applyLive, releaseLive, KubeError, type KubeTarget, type EditOutcome } from "aws-auth/kube";
import { eksToken, type AwsCredentials } from "aws-auth/token";
import { handler, type CustomResourceEvent, type CustomResourceResponse } from "aws-auth/cdk/handler";
const target: KubeTarget = { server: "https://127.0.0.1:6443", ca: "PEM", token: () => eksToken({ clusterName: "c", credentials: { accessKeyId: "a", secretAccessKey: "s" } satisfies AwsCredentials }) };
const outcome: Promise<EditOutcome> = applyLive(target, "m", { roles: [{ rolearn: "arn:aws:iam::111122223333:role/x", username: "x" }] }, { takeOver: false });
void releaseLive(target, "m").then((o) => o.attempts satisfies number);
void outcome.catch((e: unknown) => e instanceof KubeError && e.status);
const ev: CustomResourceEvent = { RequestType: "Delete", PhysicalResourceId: "m", ResourceProperties: { Manager: "m" } };
const res: Promise<CustomResourceResponse> = handler(ev, { target: async () => target });
void res;

// ---- planAccessEntries: the options (text or parsed JSON) and the plan's types, generated from
// crates/aws-auth-wasm/src/access_entries.rs. The outcome narrows each item.
import type {
  AccessEntriesPlan,
  AccessEntryRequest,
  AccessEntryType,
  NotMigratableReason,
  PlanAccessEntriesOptions,
  PlanItem,
} from "aws-auth";

const planOptions: PlanAccessEntriesOptions[] = [
  {},
  { clusterName: "prod", clusterAccount: "111122223333", existing: "{}", rolePaths: "{}" },
  { existing: { accessEntry: { principalArn: "arn:aws:iam::111122223333:role/a", type: "STANDARD" } } },
  { existing: [{ principalArn: "arn:aws:iam::111122223333:role/a", associatedAccessPolicies: [{ policyArn: "p", accessScope: { type: "cluster" } }] }] },
  { rolePaths: { Roles: [{ Arn: "arn:aws:iam::111122223333:role/team/a" }] } },
  { rolePaths: ["arn:aws:iam::111122223333:role/team/a"] },
];
const plan: AccessEntriesPlan = auth.planAccessEntries(planOptions[1]);
for (const item of plan.items as PlanItem[]) {
  const where: string = `${item.source.key}[${item.source.index}]`;
  switch (item.outcome) {
    case "migrate": {
      const t: AccessEntryType = item.entry.type;
      const principal: string = item.entry.principalArn;
      const scope: "cluster" | "namespace" | undefined = item.entry.accessPolicies?.[0]?.accessScope.type;
      void t, principal, scope;
      break;
    }
    case "covered":
    case "conflicts": {
      const missing: string[] | undefined = item.existing.missing;
      void missing;
      break;
    }
    case "notMigratable": {
      const reason: NotMigratableReason = item.reason;
      const message: string = item.message;
      void reason, message;
      break;
    }
    case "dead": {
      const kind: string = item.kind;
      void kind;
      break;
    }
  }
  void where;
}
const calls: AccessEntryRequest[] = plan.requests ?? [];
for (const call of calls) {
  if (call.operation === "AssociateAccessPolicy") {
    const policy: string = call.input.policyArn;
    void policy;
  } else {
    const groups: string[] | undefined = call.input.kubernetesGroups;
    void groups;
  }
}
const canSwitch: boolean = plan.verdict.canSwitchToApi;
// @ts-expect-error the cluster name is a string
auth.planAccessEntries({ clusterName: 1 });
void canSwitch;
