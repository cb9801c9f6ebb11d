// Type-checked only (tsc --strict, module Node16): the ES module entry's default export is the
// class, as it is at runtime, and the named exports are the same classes.
import AwsAuthDefault, { AwsAuth, AwsAuthError, type UpsertOptions } from "aws-auth";

const text: string = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\ndata: {}\n";
const viaDefault: AwsAuth = AwsAuthDefault.parse(text);
const options: UpsertOptions = { append: true, allowLockout: false };
viaDefault.upsertRole({ rolearn: "arn:aws:iam::111122223333:role/a", username: "a" }, options);
const error: AwsAuthError | undefined = undefined;
void error;
