#!/usr/bin/env bash
# A CE install with the EE plugin packages removed from disk: copies the checkout without
# plugins/calendar-ee and plugins/entra-ee (their node_modules links left dangling, as after a
# CE-only install), then checks that the server starts and answers in CE, that EDITION=ee refuses
# to start with a clear message, and runs every test outside the EE plugins there. Left to the main
# suites: browser tests (they need the built web app and both editions) and test files that build
# an Enterprise Edition app (they mention 'ee'), which cannot start without the EE packages.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tree=$(mktemp -d)
chmod 755 "$tree" # run as root, the embedded PostgreSQL runs as the postgres user, which must reach $tree/data
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null
  rm -rf "$tree"
}
trap cleanup EXIT

(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$tree" 2>/dev/null)
for nm in node_modules apps/web/node_modules; do
  [ -d "$root/$nm" ] && { cp -al "$root/$nm" "$tree/$nm" 2>/dev/null || cp -a "$root/$nm" "$tree/$nm"; }
done
rm -rf "$tree/plugins/calendar-ee" "$tree/plugins/entra-ee"
cd "$tree"
fail=0

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
EDITION=ce PORT=$port HOST=127.0.0.1 SWITCHBOARD_DATA_DIR="$tree/data" SWITCHBOARD_WEB_DIST="$tree/no-web" LOG_LEVEL=warn \
  node --import tsx apps/api/src/main.ts >"$tree/server.log" 2>&1 &
server=$!
# /readyz, not /healthz: while the server waits for its database and migrates, /healthz already
# answers 200 (the process is up) and every other URL a 503 "starting".
for _ in $(seq 1 90); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 1; done
edition=$(curl -fs "http://127.0.0.1:$port/api/edition")
stub=$(curl -s -X POST "http://127.0.0.1:$port/api/calendar/webhooks/google")
if [[ "$edition" == *'"edition":"ce"'* && "$stub" == '{"success":false,"error":"Calendar sync is only available in Enterprise Edition."}' ]]; then
  echo "ok - CE without the EE packages starts and answers (edition ce, calendar 501)"
else
  echo "not ok - CE without the EE packages: edition=$edition stub=$stub"; cat "$tree/server.log"; fail=1
fi
kill "$server"; wait "$server" 2>/dev/null; server=""

ee=$(EDITION=ee PORT=0 SWITCHBOARD_DATA_DIR="$tree/data" SWITCHBOARD_WEB_DIST="$tree/no-web" timeout 60 node --import tsx apps/api/src/main.ts 2>&1)
if [ $? -ne 0 ] && [[ "$ee" == *"EDITION=ee needs the Enterprise plugins"* ]]; then
  echo "ok - EDITION=ee without the EE packages refuses to start with a clear message"
else
  echo "not ok - EDITION=ee without the EE packages did not fail clearly: $ee"; fail=1
fi

mapfile -t tests < <(git -C "$root" ls-files --cached --others --exclude-standard '*.test.ts' | grep -vE '^plugins/(calendar|entra)-ee/|^apps/web/e2e/' |
  while read -r file; do grep -q "'ee'" "$root/$file" || echo "$file"; done)
node --import tsx testing/src/suite.ts "${tests[@]}" || fail=1
exit $fail
