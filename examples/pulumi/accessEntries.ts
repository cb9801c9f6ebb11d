// Leaving aws-auth: the EKS access entries that give everyone the access the aws-auth ConfigMap
// gives them today, planned from the ConfigMap (config `manifest`: its path; default
// ../aws-auth.yaml) and, to restore role paths, `aws iam list-roles` output (config
// `rolePaths`). Mappings that cannot be migrated are not created; the program warns about each.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { AwsAuth } from "aws-auth";
import { PlannedAccessEntries } from "aws-auth/pulumi/access-entries";

const config = new pulumi.Config();
const rolePaths = config.get("rolePaths");
const auth = AwsAuth.parse(readFileSync(config.get("manifest") ?? path.join(__dirname, "..", "..", "aws-auth.yaml"), "utf8"));
export const plan = auth.planAccessEntries(rolePaths ? { rolePaths: readFileSync(rolePaths, "utf8") } : {});
auth.free();

export const access = new PlannedAccessEntries("access", { clusterName: config.get("clusterName") ?? "prod", plan });
for (const item of access.notCreated) {
  const why = item.outcome === "notMigratable" ? `${item.reason}: ${item.message}` : item.outcome === "dead" ? `dead (${item.kind}): ${item.message}` : `an access entry exists already (${item.outcome})`;
  void pulumi.log.warn(`not migrated: ${item.source.key}[${item.source.index}] ${item.source.arn ?? ""}: ${why}`, access);
}
export const canSwitchToApi = plan.verdict.canSwitchToApi;
