// ES module entry: the CommonJS build, re-exported (the wasm glue is CommonJS).
import cjs from "./index.js";

export const { AwsAuth, AwsAuthError } = cjs;
export default cjs.AwsAuth;
