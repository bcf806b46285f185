#!/usr/bin/env bash
# The tools the deployment tests use, installed once into $BANGKOM_CACHE_DIR/tools (default ~/.cache/bangkom),
# all from this machine's registries: promtool from Debian's prometheus package, kustomize from the Go module
# proxy, composecheck (compose-go, what `docker compose config` runs) built from deploy/tools/composecheck,
# the Strimzi and CloudNativePG schemas from npm into deploy/tools/crdcheck/node_modules, axe-core (accessibility rules
# for the browser tests) into deploy/tools/axe/node_modules and the Nu HTML Checker (vnu-jar, run with the Java the
# Kafka broker needs) into deploy/tools/vnu/node_modules.
#   deploy/tools/install.sh bench   only the load generator of the benches (vegeta, from the Go module proxy)
set -euo pipefail
cd "$(dirname "$0")"
CACHE=${BANGKOM_CACHE_DIR:-$HOME/.cache/bangkom}/tools
BIN=$CACHE/bin
KUSTOMIZE_VERSION=v5.7.1
mkdir -p "$BIN"
case ":$PATH:" in *:/usr/local/go/bin:*) ;; *) PATH=$PATH:/usr/local/go/bin ;; esac  # Go from its own tarball
VEGETA_VERSION=v12.13.0

if [ "${1:-}" = bench ]; then
  if [ ! -x "$BIN/vegeta" ]; then
    echo "tools: vegeta $VEGETA_VERSION, the benches' load generator (Go module proxy; a minute once)"
    GOBIN=$BIN GOFLAGS=-mod=mod go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
  fi
  exit 0
fi

if [ ! -x "$BIN/promtool" ]; then
  echo "tools: promtool (Debian package prometheus)"
  work=$(mktemp -d)
  (cd "$work" && { apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus; }; } \
    && dpkg-deb -x prometheus_*.deb root && cp root/usr/bin/promtool "$BIN/promtool")
  rm -rf "$work"
fi
if [ ! -x "$BIN/kustomize" ]; then
  echo "tools: kustomize $KUSTOMIZE_VERSION (Go module proxy; takes a minute or two once)"
  GOBIN=$BIN GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi
if [ ! -x "$BIN/composecheck" ] || [ composecheck/main.go -nt "$BIN/composecheck" ]; then
  echo "tools: composecheck"
  (cd composecheck && go build -o "$BIN/composecheck" .)
fi
if [ ! -d crdcheck/node_modules ] || [ crdcheck/package-lock.json -nt crdcheck/node_modules ]; then
  echo "tools: the Strimzi and CloudNativePG schemas (npm)"
  (cd crdcheck && npm ci --no-audit --no-fund --loglevel=error && touch node_modules)
fi
if [ ! -d axe/node_modules ] || [ axe/package-lock.json -nt axe/node_modules ]; then
  echo "tools: axe-core (npm), for the browser tests' accessibility checks"
  (cd axe && npm ci --no-audit --no-fund --loglevel=error && touch node_modules)
fi
if [ ! -d vnu/node_modules ] || [ vnu/package-lock.json -nt vnu/node_modules ]; then
  echo "tools: the Nu HTML Checker (npm vnu-jar), for the crawl of the web UI"
  (cd vnu && npm ci --no-audit --no-fund --loglevel=error && touch node_modules)
fi
echo "tools: ready in $BIN"
