#!/usr/bin/env bash
# Copyright (c) 2026, campaign_plus contributors
# For license information, please see license.txt
#
# Build this checkout's desk bundles (email_designer.bundle.js/.css) with a bench's own Frappe
# esbuild, into a directory of their own, without touching the bench: its apps, its
# sites/assets, its assets.json and its Redis stay as they are (other checkouts share them).
#
#   tests/e2e/build_assets.sh BENCH OUT
#
# OUT gets assets.json (and assets-rtl.json) and campaign_plus/dist/; run the browser tier with
# CAMPAIGN_PLUS_E2E_ASSETS=OUT and the served site (tests/e2e/serve.py) gives the desk these
# bundles instead of the bench's. The checkout needs its node_modules (yarn install, or a link to
# another checkout's).
set -euo pipefail
bench=$(cd "${1:?usage: build_assets.sh BENCH OUT}" && pwd)
out=${2:?usage: build_assets.sh BENCH OUT}
checkout=$(cd "$(dirname "$0")/../.." && pwd)
[ -d "$checkout/node_modules" ] || { echo "no node_modules in $checkout (yarn install)" >&2; exit 2; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
# A bench of two apps, all real directories under one root (Frappe's PostCSS step writes its
# temporary .css at a path relative to the directory it is run from: outside the root, the left-
# to-right and right-to-left builds would share it, and one would get the other's styles): the
# bench's Frappe (its esbuild and node_modules, linked) and a copy of this checkout's assets.
mkdir -p "$root/apps/frappe" "$root/apps/campaign_plus/campaign_plus" "$root/sites/assets"
for entry in "$bench/apps/frappe"/* "$bench/apps/frappe"/.[!.]*; do
	[ -e "$entry" ] && ln -s "$entry" "$root/apps/frappe/$(basename "$entry")"
done
cp -r "$checkout/campaign_plus/public" "$root/apps/campaign_plus/campaign_plus/"
# what Frappe 16's build looks for to know a Frappe app
cp "$checkout/campaign_plus/hooks.py" "$checkout/campaign_plus/modules.txt" "$checkout/campaign_plus/patches.txt" \
	"$root/apps/campaign_plus/campaign_plus/"
rm -rf "$root/apps/campaign_plus/campaign_plus/public/dist"
cp "$checkout/package.json" "$root/apps/campaign_plus/"
ln -s "$(readlink -f "$checkout/node_modules")" "$root/apps/campaign_plus/node_modules"
printf 'frappe\ncampaign_plus\n' > "$root/sites/apps.txt"
echo '{}' > "$root/sites/common_site_config.json"
cd "$root/apps/frappe"
# FRAPPE_REDIS_CACHE: a port where nothing listens, so that no bench's assets_json key is deleted
FRAPPE_BENCH_ROOT="$root" FRAPPE_REDIS_CACHE="redis://127.0.0.1:9" FRAPPE_ENV=production \
	node esbuild --production --apps campaign_plus 2>&1 | grep -v "Cannot connect to redis" || true
[ -f "$root/sites/assets/assets.json" ] || { echo "the build wrote no assets.json" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
cp "$root/sites/assets/assets.json" "$out/"
[ -f "$root/sites/assets/assets-rtl.json" ] && cp "$root/sites/assets/assets-rtl.json" "$out/"
cp -r "$root/sites/assets/campaign_plus" "$out/"
echo "built into $out: $(grep -o 'email_designer[^"]*' "$out/assets.json" | tr '\n' ' ')"
