#!/usr/bin/env bash
# cargo deny check (deny.toml): licences, bans, sources, and advisories.
#
# Advisories come from the RustSec database, which lives on GitHub; CI cannot
# reach it, so a snapshot of it is vendored: deny/advisory-db.tar.gz, taken at
# the commit and date in deny/advisory-db.commit. This script unpacks it where
# deny.toml's db-path says (a git repository of one commit dated as the
# snapshot, which is how cargo-deny reads a database's age), runs cargo-deny
# without fetching, and says how old the snapshot is. An advisory published
# after the snapshot is not seen: refresh it now and then with
#   scripts/deny.sh --refresh /path/to/a/clone/of/rustsec/advisory-db
#
# cargo-deny itself is installed from crates.io (pinned) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DENY_VERSION=0.20.2
SNAPSHOT=deny/advisory-db.tar.gz
COMMIT_FILE=deny/advisory-db.commit
# <db-path>/<name>-<hash of the default URL>: where cargo-deny looks for
# https://github.com/rustsec/advisory-db.
DB=target/advisory-dbs/advisory-db-3157b0e258782691

if [ "${1:-}" = "--refresh" ]; then
    clone=${2:?"--refresh takes the path of a clone of rustsec/advisory-db"}
    git -C "$clone" archive --format=tar.gz HEAD crates rust LICENSE.txt >"$SNAPSHOT"
    git -C "$clone" log -1 --format='%H %cI' >"$COMMIT_FILE"
    echo "Snapshot refreshed: $(cat "$COMMIT_FILE")."
    exit 0
fi

if [ "$(cargo deny --version 2>/dev/null || true)" != "cargo-deny $DENY_VERSION" ]; then
    echo "Installing cargo-deny $DENY_VERSION from crates.io."
    cargo install --locked --quiet "cargo-deny@$DENY_VERSION"
fi

read -r commit date <"$COMMIT_FILE"
if [ "$(cat "$DB/.snapshot" 2>/dev/null || true)" != "$commit $date" ]; then
    rm -rf "$DB"
    mkdir -p "$DB"
    tar -xzf "$SNAPSHOT" -C "$DB"
    git -C "$DB" init --quiet
    git -C "$DB" add --all
    GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date git -C "$DB" \
        -c user.name=snapshot -c user.email=snapshot@invalid -c commit.gpgsign=false \
        commit --quiet --message "rustsec/advisory-db at $commit"
    echo "$commit $date" >"$DB/.snapshot"
fi
age_days=$(( ($(date +%s) - $(date -d "$date" +%s)) / 86400 ))
echo "Advisories: the RustSec database as of ${date%%T*} ($age_days days old, commit ${commit:0:12})."
if [ "$age_days" -gt 180 ]; then
    echo "warning: the advisory snapshot is over 180 days old; refresh it (see scripts/deny.sh)." >&2
fi

# cargo-deny reads the metadata of every platform's dependencies (wasm and
# Android ones too, which no build here downloads): fetch them from crates.io
# first, so that a fresh machine does not fail on a crate it never built.
cargo fetch --locked --quiet
cargo deny --offline --locked check advisories licenses bans sources
