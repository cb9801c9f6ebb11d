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
