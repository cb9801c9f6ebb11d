// Types of the ES module entry (index.mjs). The default export is the class itself, as at
// runtime; re-exporting `default` from the CommonJS types would give the module object under
// `module: nodenext`.
import { AwsAuth } from "./index.js";
export * from "./index.js";
export default AwsAuth;
