#!/usr/bin/env bash
# Installs the pinned playwright-core (tests/integration/browser/package.json and its
# package-lock.json, with the package's integrity hash) with npm, for the status-page test
# that drives Debian's /usr/bin/chromium. Outside the source tree, in a cache directory
# that every build directory and worktree shares:
#   ${HICONN_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hiconn/node}
# Only when missing or another version: an installed copy needs no network. Prints the
# directory that holds node_modules/; exits non-zero with npm's reason when npm fails.
#   scripts/install-playwright.sh [--quiet]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SPEC=$ROOT/tests/integration/browser
DIR=${HICONN_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hiconn/node}
WANT=$(sed -n 's/.*"playwright-core": *"\([^"]*\)".*/\1/p' "$SPEC/package.json")
HAVE=$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' "$DIR/node_modules/playwright-core/package.json" 2>/dev/null || true)
if [[ -n $WANT && $HAVE == "$WANT" ]] && cmp -s "$SPEC/package-lock.json" "$DIR/package-lock.json"; then
    [[ ${1:-} == --quiet ]] || echo "$DIR"
    exit 0
fi
command -v npm >/dev/null || { echo "install-playwright: npm is not installed (scripts/setup.sh installs it)" >&2; exit 1; }
mkdir -p "$DIR"
cp "$SPEC/package.json" "$SPEC/package-lock.json" "$DIR/"
# npm ci: exactly the lock file's versions and hashes, node_modules replaced.
if ! out=$(cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error 2>&1); then
    echo "install-playwright: npm ci of playwright-core $WANT into $DIR failed:" >&2
    echo "$out" >&2
    exit 1
fi
[[ ${1:-} == --quiet ]] || echo "$DIR"
