/**
 * The Lambda behind `aws-auth/cdk`'s `AwsAuthEntries` (an `onEvent` handler of CDK's custom
 * resource provider framework): Create/Update apply the desired entries as the construct's
 * manager, Delete releases them. A refusal (another manager owns an entry, lockout) throws
 * with a one-line reason, which fails the deployment with that reason.
 *
 * Resource properties (strings, as CloudFormation passes them):
 * `Manager`, `ClusterName`, `Endpoint` + `CertificateAuthorityData` (or neither: then
 * `DescribeCluster` at run time), `RoleArn` (optional: assumed for the token), `Region`,
 * `Desired` (JSON `{roles, users, accounts}`), `TakeOver`, `AllowLockout` (`"true"`/`"false"`).
 */
import type { Desired } from "../index.js";
import { applyLive, releaseLive, reason, type EditOutcome, type KubeTarget } from "../kube.js";
import { assumeRole, describeCluster, eksToken, type CredentialSource } from "../token.js";

/** The CloudFormation event, as the provider framework passes it. */
export interface CustomResourceEvent {
  RequestType: "Create" | "Update" | "Delete";
  PhysicalResourceId?: string;
  ResourceProperties: Record<string, unknown>;
  OldResourceProperties?: Record<string, unknown>;
  [k: string]: unknown;
}

/** What the provider framework expects back. */
export interface CustomResourceResponse {
  PhysicalResourceId: string;
  Data: Record<string, string>;
}

/** How the handler reaches the API server; tests replace it. */
export interface HandlerDeps {
  /** The API server of the event's cluster, with its credentials. */
  target(props: Record<string, unknown>): Promise<KubeTarget>;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/** The default: the cluster's endpoint and CA from the properties or DescribeCluster, an EKS token. */
export const awsDeps: HandlerDeps = {
  async target(props) {
    const clusterName = str(props.ClusterName);
    if (!clusterName) throw new Error("aws-auth: the resource has no ClusterName");
    const region = str(props.Region);
    const roleArn = str(props.RoleArn);
    const credentials: CredentialSource | undefined = roleArn ? assumeRole(roleArn, region) : undefined;
    let endpoint = str(props.Endpoint);
    let ca = str(props.CertificateAuthorityData);
    if (!endpoint || !ca) ({ endpoint, ca } = await describeCluster(clusterName, region, credentials));
    return {
      server: endpoint,
      ca,
      token: () => eksToken({ clusterName, ...(region ? { region } : {}), ...(credentials ? { credentials } : {}) }),
    };
  },
};

function desiredOf(props: Record<string, unknown>): Desired {
  const raw = props.Desired;
  const parsed: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
  if (typeof parsed !== "object" || parsed === null) throw new Error("aws-auth: the resource has no Desired entries");
  return parsed as Desired;
}

function summary(outcome: EditOutcome): Record<string, string> {
  const count = (action: string) => String(outcome.changes.filter((c) => c.action === action).length);
  return {
    Changes: outcome.changes.map((c) => `${c.action} ${c.subject}`).join("; "),
    Added: count("added"),
    Removed: count("removed"),
    Drifted: outcome.drifted.join("; "),
    Attempts: String(outcome.attempts),
  };
}

/** Handles one event; throws (one line) when the edit is refused or the API call fails. */
export async function handler(event: CustomResourceEvent, deps: HandlerDeps = awsDeps): Promise<CustomResourceResponse> {
  const props = event.ResourceProperties;
  const manager = str(props.Manager);
  if (!manager) throw new Error("aws-auth: the resource has no Manager");
  const options = { takeOver: props.TakeOver === "true" || props.TakeOver === true, allowLockout: props.AllowLockout === "true" || props.AllowLockout === true };
  try {
    const target = await deps.target(props);
    if (event.RequestType === "Delete") {
      // A physical ID of another manager (a replaced resource) releases that one.
      const outcome = await releaseLive(target, event.PhysicalResourceId ?? manager, options);
      return { PhysicalResourceId: event.PhysicalResourceId ?? manager, Data: summary(outcome) };
    }
    const outcome = await applyLive(target, manager, desiredOf(props), options);
    console.log(`aws-auth: ${manager}: ${summary(outcome).Changes || "no changes"}`);
    return { PhysicalResourceId: manager, Data: summary(outcome) };
  } catch (err) {
    throw new Error(reason(err));
  }
}

/** The Lambda entry point (`cdk/handler.onEvent`): {@link handler} with the AWS dependencies. */
export const onEvent = (event: CustomResourceEvent): Promise<CustomResourceResponse> => handler(event);
