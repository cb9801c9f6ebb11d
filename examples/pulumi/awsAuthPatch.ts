import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AwsAuth, type RoleInput, type UserInput } from "aws-auth";

export interface AwsAuthPatchArgs {
  /**
   * The current aws-auth: a manifest text (YAML or JSON), or the live ConfigMap's `data`
   * (e.g. `k8s.core.v1.ConfigMap.get(...).data`).
   */
  existing: pulumi.Input<string | Record<string, string>>;
  /** Roles to add or update (e.g. a node group's role). */
  roles?: RoleInput[];
  /** Users to add or update (e.g. an administrator). */
  users?: UserInput[];
}

/**
 * A server-side-apply patch of `kube-system/aws-auth` whose `data` is the existing data with
 * the given roles and users upserted by the `aws-auth` package: every other entry (and every
 * comment inside the data strings) is kept, and an edit that would break the ConfigMap fails
 * the preview instead of the cluster.
 */
export function awsAuthPatch(name: string, args: AwsAuthPatchArgs, opts?: pulumi.CustomResourceOptions): k8s.core.v1.ConfigMapPatch {
  const manifest = pulumi.output(args.existing).apply((existing) => {
    const auth = AwsAuth.parse(typeof existing === "string" ? existing : JSON.stringify(existing));
    for (const role of args.roles ?? []) auth.upsertRole(role);
    for (const user of args.users ?? []) auth.upsertUser(user);
    const errors = auth.validate().filter((d) => d.severity === "error");
    if (errors.length > 0) throw new Error(`aws-auth: ${errors.map((d) => d.message).join("; ")}`);
    return auth.toManifest();
  });
  return new k8s.core.v1.ConfigMapPatch(
    name,
    {
      metadata: {
        name: manifest.metadata.name,
        namespace: manifest.metadata.namespace,
        // aws-auth is usually owned by EKS or eksctl: take over the data fields.
        annotations: { "pulumi.com/patchForce": "true" },
      },
      data: manifest.data,
    },
    opts,
  );
}
