#!/usr/bin/env bash
# Contract test: schemathesis (from PyPI) against proto/openapi.json on a real
# `kring serve`. Fails on any 5xx and on any answer the description does not
# allow (status, content type, body schema); prints schemathesis's report.
#
# It keeps schemathesis in a virtualenv under target/contract-venv (made once,
# reused), builds target/debug/kring, serves it on a free port of 127.0.0.1 with
# a throw-away SQLite database, signs up and logs in one account (the session
# cookie goes with every generated request), makes one circle whose id is fed
# to some of the generated requests, and runs schemathesis: first each operation
# on its own, then the stateful phase, which follows the description's links
# (make a circle, invite, join; ask, widen, take, done; schedule, claim, swap)
# so that generated requests reach real things. At the end it prints, per
# operation, how many requests it sent and how many answered 2xx (a report,
# never a failure: what is reached varies with the generated data). Whatever way it ends
# (Ctrl+C and kill included), the server and schemathesis stop and the temporary
# directory goes; after a kill -9 of this script only that directory stays.
#
# Knobs (environment): KRING_CONTRACT_MAX_EXAMPLES (examples per operation),
# KRING_CONTRACT_SEED (replay a run: schemathesis prints the seed it used).
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
VENV=target/contract-venv
MAX_EXAMPLES=${KRING_CONTRACT_MAX_EXAMPLES:-50}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

if ! command -v python3 >/dev/null 2>&1; then
    echo "The contract test needs Python 3 with venv and pip, to install schemathesis from PyPI." >&2
    echo "Install it (Debian/Ubuntu: sudo apt-get install python3 python3-venv python3-pip)." >&2
    exit 1
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "The contract test needs curl (Debian/Ubuntu: sudo apt-get install curl)." >&2
    exit 1
fi

# Everything this run makes lives here. On any exit (Ctrl+C and kill included)
# the trap stops schemathesis and the server, and removes it.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kring-contract.XXXXXX")
SERVER_PID=
SCHEMATHESIS_PID=
stop() { # pid: SIGTERM, then SIGKILL after 10 s
    [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 0
    kill -TERM "$1" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    stop "$SCHEMATHESIS_PID"
    stop "$SERVER_PID"
    if [ "$status" != 0 ] && [ -s "$WORK/server.log" ]; then
        echo "--- the last lines of the server's log ---" >&2
        tail -n 40 "$WORK/server.log" >&2
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
# Should this script be killed outright (no trap runs), setpriv still has the
# kernel send SIGTERM to the server and to schemathesis.
PDEATHSIG=()
if command -v setpriv >/dev/null 2>&1; then
    PDEATHSIG=(setpriv --pdeathsig TERM --)
fi

# schemathesis, pinned, in its own virtualenv (reused when it has that version).
if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
    echo "Installing schemathesis $SCHEMATHESIS_VERSION into $VENV."
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV"; then
        rm -rf "$VENV"
        echo "python3 cannot make a virtualenv: install its venv module" >&2
        echo "(Debian/Ubuntu: sudo apt-get install python3-venv)." >&2
        exit 1
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "schemathesis==$SCHEMATHESIS_VERSION"
fi

cargo build -p kring --locked
KRING="$TARGET_DIR/debug/kring"

# Port 0: the kernel picks a free port, and kring prints the address it got
# ("Kring is running: open http://127.0.0.1:PORT/").
: >"$WORK/server.out"
: >"$WORK/server.log"
# The server believes X-Forwarded-For from 127.0.0.1, and every generated request
# comes as another client (a hook below), so the per-client rate limits on
# sign-up, log-in and invitations let generated requests through to the logic
# behind them; the per-account quotas (writes, password checks) are raised for
# the one account schemathesis uses. The limits themselves are tested in
# kring-server's protection.rs and the attack suite (tests/tests/attacks).
"${PDEATHSIG[@]}" "$KRING" serve --listen 127.0.0.1:0 --trusted-proxy 127.0.0.1 \
    --writes-per-minute 1000000 --password-checks-per-minute 1000000 \
    --database-url "sqlite:$WORK/kring.db" >"$WORK/server.out" 2>"$WORK/server.log" &
SERVER_PID=$!

deadline=$((SECONDS + 60))
BASE=
while [ -z "$BASE" ]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "kring serve stopped before it was ready." >&2
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "kring serve printed no address within 60 s." >&2
        exit 1
    fi
    BASE=$(sed -n 's|^.*\(http://127\.0\.0\.1:[0-9]*\).*$|\1|p' "$WORK/server.out" | head -n 1)
    [ -n "$BASE" ] || sleep 0.1
done
until curl -fsS -o /dev/null "$BASE/readyz" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "kring serve stopped before it was ready." >&2
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        echo "$BASE/readyz did not answer 200 within 60 s." >&2
        exit 1
    fi
    sleep 0.1
done
API="$BASE/api/v1"
echo "Kring is ready at $BASE (database under $WORK)."

# One account and two sessions: one for every request, one for log-out to end.
post() { # path body [cookie]: prints the answer's body; fails on a status other than 2xx
    if ! curl --fail-with-body -sS -X POST "$API$1" -H 'Content-Type: application/json' \
        ${3:+-H "Cookie: kring_session=$3"} -D "$WORK/headers" -o "$WORK/body" --data "$2"; then
        echo "POST $API$1 answered: $(cat "$WORK/body")" >&2
        return 1
    fi
    cat "$WORK/body"
}
session_of_last_answer() {
    sed -n 's/^[Ss]et-[Cc]ookie: kring_session=\([^;]*\);.*$/\1/p' "$WORK/headers" | tr -d '\r'
}
EMAIL=contract@example.org
PASSWORD=contract-test-password
post /accounts "{\"name\":\"Contract\",\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
post /session "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
SESSION=$(session_of_last_answer)
post /session "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" >/dev/null
SESSION_TO_END=$(session_of_last_answer)
if [ -z "$SESSION" ] || [ -z "$SESSION_TO_END" ]; then
    echo "Logging in set no kring_session cookie." >&2
    exit 1
fi
read -r CIRCLE VERSION < <(post /circles '{"focus_name":"Mam"}' "$SESSION" |
    "$VENV/bin/python" -c 'import json, sys; c = json.load(sys.stdin); print(c["id"], c["version"])')
if [ -z "${VERSION:-}" ]; then
    echo "POST /circles answered no id and version." >&2
    exit 1
fi
echo "Signed up, logged in, made circle $CIRCLE (version $VERSION)."

# Most requests that name a circle name this one, the rest a generated id; half
# of the min_version values are ones it has reached, so that reads answer 200.
# Log-out gets a session of its own, so that it ends only that one.
cat >"$WORK/schemathesis.toml" <<EOF
hooks = "$WORK/hooks.py"

# Past failures are tried again first: kept under target/, not in the source tree.
[cache]
directory = "$PWD/target/contract-cache"

[dictionaries.circle]
values = ["$CIRCLE"]

[dictionaries.reached]
values = [0, $VERSION]

# Times a request for help or a shift can have: random ones are nearly always
# in the past or not a valid window, and then nothing follows them.
[dictionaries.local_start]
values = ["$(date -u -d '+1 day' +%Y-%m-%dT10:00)", "$(date -u -d '+8 days' +%Y-%m-%dT18:30)"]

[dictionaries.window_start]
values = ["$(date -u -d '+1 day' +%Y-%m-%dT08:00:00Z)"]

[dictionaries.window_end]
values = ["$(date -u -d '+3 days' +%Y-%m-%dT20:00:00Z)"]

[dictionaries.minutes]
values = [30, 90]

[parameters]
"path.id" = { dictionary = "circle", probability = 0.75 }
"query.min_version" = { dictionary = "reached", probability = 0.5 }
"body.starts" = { dictionary = "local_start", probability = 0.5 }
"body.window_start" = { dictionary = "window_start", probability = 0.6 }
"body.window_end" = { dictionary = "window_end", probability = 0.6 }
"body.duration_minutes" = { dictionary = "minutes", probability = 0.5 }

[[operations]]
include-name = "DELETE /session"
headers = { Cookie = "kring_session=$SESSION_TO_END" }

# Only the description's own links: the ones schemathesis would infer from the
# shared answers are partly wrong (an error that fails the run).
[phases.stateful.inference]
algorithms = []
EOF

# schemathesis's workers are threads, and CPython 3.11 keeps the state of building
# an AST per interpreter: two threads parsing at once (Hypothesis parses sources to
# name its filters) fail at random with "AST constructor recursion depth mismatch".
# The first hook lets them parse one at a time; the others are explained there.
cat >"$WORK/hooks.py" <<'EOF'
import ast
import atexit
import collections
import itertools
import json
import os
import threading

import schemathesis

_parse, _lock = ast.parse, threading.Lock()


def _parse_one_at_a_time(*args, **kwargs):
    with _lock:
        return _parse(*args, **kwargs)


ast.parse = _parse_one_at_a_time


# Each request as another client behind the trusted proxy (the documentation
# ranges of RFC 5737, in a header only): no rate limit turns a generated
# request away.
_clients = itertools.count()
_clients_lock = threading.Lock()
_NETWORKS = ("192.0.2", "198.51.100", "203.0.113")


@schemathesis.hook
def before_call(context, case, kwargs):
    with _clients_lock:
        n = next(_clients)
    address = f"{_NETWORKS[n % 3]}.{n // 3 % 254 + 1}"
    case.headers = {**(case.headers or {}), "X-Forwarded-For": address}


# Per operation: requests sent and how they were answered, written when
# schemathesis exits, for the report at the end of the script.
_answers = collections.defaultdict(collections.Counter)


@schemathesis.hook
def after_call(context, case, response):
    with _clients_lock:
        _answers[case.operation.label][f"{response.status_code // 100}xx"] += 1


@atexit.register
def _write_answers():
    with open(os.environ["KRING_CONTRACT_ANSWERS"], "w") as out:
        json.dump(_answers, out)
EOF

# Phases: the examples in the description (few), the coverage phase (boundary
# and invalid values of every parameter and body), fuzzing, and the stateful
# phase along the description's links (proto/openapi.json, made in
# kring-server's api/openapi_links.rs).
SEED=()
if [ -n "${KRING_CONTRACT_SEED:-}" ]; then
    SEED=(--seed "$KRING_CONTRACT_SEED")
fi
RUN=("$VENV/bin/schemathesis" --config-file "$WORK/schemathesis.toml" run proto/openapi.json
    --url "$API"
    --header "Cookie: kring_session=$SESSION"
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance
    --max-examples "$MAX_EXAMPLES"
    --phases examples,coverage,fuzzing,stateful
    --workers 2
    --request-timeout 40
    --generation-database none
    --no-color
    --report junit --report-junit-path target/contract-junit.xml
    "${SEED[@]}")
rm -f target/contract-junit.xml
export KRING_CONTRACT_ANSWERS="$WORK/answers.json"
echo "+ ${RUN[*]}"
# In the background, so that a signal reaches the trap at once, not after the run.
"${PDEATHSIG[@]}" "${RUN[@]}" &
SCHEMATHESIS_PID=$!
status=0
wait "$SCHEMATHESIS_PID" || status=$?
SCHEMATHESIS_PID=

# Per operation: requests sent, and how many answered 2xx, 4xx and 5xx; a table
# to read (which operations the run reached), not a check.
[ -s "$KRING_CONTRACT_ANSWERS" ] && "$VENV/bin/python" - "$KRING_CONTRACT_ANSWERS" <<'EOF' || true
import json
import sys

answers = json.load(open(sys.argv[1]))
print()
print(f"{'operation':<62} {'sent':>6} {'2xx':>6} {'4xx':>6} {'5xx':>5}")
sent_all = ok_all = 0
for label in sorted(answers, key=lambda l: (l.split(" ", 1)[1], l)):
    counts = answers[label]
    sent = sum(counts.values())
    sent_all += sent
    ok_all += counts.get("2xx", 0)
    print(f"{label:<62} {sent:>6} {counts.get('2xx', 0):>6} {counts.get('4xx', 0):>6} {counts.get('5xx', 0):>5}")
reached = sum(1 for counts in answers.values() if counts.get("2xx", 0))
print(f"{len(answers)} operations, {sent_all} requests, {ok_all} answered 2xx; "
      f"{reached} operations answered 2xx at least once")
EOF

# One closing line that counts the operations, as test runners print it (the
# JUnit report stays in target/ for CI).
[ -s target/contract-junit.xml ] && "$VENV/bin/python" - target/contract-junit.xml <<'EOF' || true
import sys
import xml.etree.ElementTree as ET

suites = ET.parse(sys.argv[1]).getroot()
count = lambda name: int(suites.get(name, 0))
failed = count("failures") + count("errors")
passed = count("tests") - failed - count("skipped")
print(f"contract: {passed} passed, {failed} failed, {count('skipped')} skipped")
EOF
exit "$status"
