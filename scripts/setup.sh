#!/usr/bin/env bash
# Sets up a fresh machine for cgr-playbook: Debian packages the tests and the lab use, then npm
# dependencies, then builds the engine (dist/). The devDependency `node` brings Node 24 as
# node_modules/.bin/node (npm puts that folder first on PATH for `npm run`/`npm test`), so the
# repository's scripts run on Node 24 even where the system Node is older; the published package
# carries no Node runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian packages: ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
  fi
fi

# `npm install` (not `npm ci`): npm 11 leaves other platforms' optional binaries out of the lock
# file, which `npm ci` then rejects; install still honours the locked versions.
npm install --no-audit --no-fund
npm run --silent build:engine
