# Sourced by npm/scripts/test.sh and the examples' test.sh: `npm_ci ARGS...` is `npm ci ARGS...`,
# bounded and retried. A registry download can stall without an error (seen here: npm ci idle
# for 10 minutes), so each try has a time limit, and what the npm cache holds is preferred.
npm_ci() {
  local try
  for try in 1 2 3; do
    timeout 600 npm ci --prefer-offline --fetch-timeout=120000 --fetch-retries=4 "$@" && return 0
    echo "npm ci failed or stalled (try $try of 3)" >&2
  done
  return 1
}
