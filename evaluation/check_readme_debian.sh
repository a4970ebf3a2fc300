#!/usr/bin/env bash
# Runs the README's two commands verbatim in a fresh Debian (bookworm) root made by debootstrap with only
# python3, python3-venv and git (and ca-certificates), as issue #13 asks. Needs root and Debian's debootstrap.
#
#   sudo evaluation/check_readme_debian.sh /var/tmp/narrativ-debian [REPO]
#
# ROOT is created (or reused when it already holds a system); REPO (default: this checkout) is cloned into it.
# The machine's CA bundle and pip/SSL certificate variables are passed on, so that a proxy with its own CA
# works as it does on the host. Prints each command's exit status and time; logs are in ROOT/root/.
set -euo pipefail
ROOT=${1:?usage: check_readme_debian.sh ROOT [REPO]}
REPO=${2:-$(cd "$(dirname "$0")/.." && pwd)}
README="$REPO/README.md"
if [ ! -x "$ROOT/usr/bin/python3" ]; then
  debootstrap --variant=minbase --include=python3,python3-venv,git,ca-certificates bookworm "$ROOT" \
    http://deb.debian.org/debian >/dev/null
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
[ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
mountpoint -q "$ROOT/proc" || mount -t proc proc "$ROOT/proc"
mountpoint -q "$ROOT/dev" || mount --rbind /dev "$ROOT/dev"
trap 'umount -l "$ROOT/dev" "$ROOT/proc" 2>/dev/null || true' EXIT
# the two commands, read from the README's first two ```bash blocks (verbatim)
mapfile -t CMDS < <(awk '/^```bash$/{f=1;next} /^```$/{f=0} f' "$README" | head -2)
echo "command 1: ${CMDS[0]}"
echo "command 2: ${CMDS[1]}"
run() {  # $1 = name, $2 = command (run in a fresh clone inside the root, with a clean environment)
  rm -rf "$ROOT/root/narrativ" && git clone -q "$REPO" "$ROOT/root/narrativ"
  printf '%s\n' "cd /root/narrativ" "$2" > "$ROOT/root/$1.sh"
  chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt /bin/bash "/root/$1.sh" > "$ROOT/root/$1.log" 2>&1 &
  RUN_PID=$!
}
# 1: install and start the app; it runs until stopped, so wait for it to answer, then stop it
start=$(date +%s); run cmd1 "${CMDS[0]}"; pid=$RUN_PID
for _ in $(seq 1 180); do
  if grep -q "kører på http://127.0.0.1:7860" "$ROOT/root/cmd1.log" 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || break; sleep 5
done
code=$(python3 -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:7860/", timeout=10).status)' 2>/dev/null || echo none)
echo "command 1: the app answered HTTP $code after $(( $(date +%s) - start )) s"
pkill -f "/root/narrativ/.venv/bin/narrativ app" || true; wait "$pid" 2>/dev/null || true
# 2: install the dev extra and run the tests
start=$(date +%s); run cmd2 "${CMDS[1]}"; pid=$RUN_PID; rc=0; wait "$pid" || rc=$?
secs=$(( $(date +%s) - start ))
echo "command 2: exit $rc after $secs s; $(tail -1 "$ROOT/root/cmd2.log")"
# one JSON line for evaluation/readme_debian.json (the report reads it)
python3 - "$rc" "$secs" "$code" "$(git -C "$REPO" rev-parse --short HEAD)" "$(tail -1 "$ROOT/root/cmd2.log")" <<'PY'
import json, sys, datetime
rc, secs, code, commit, summary = sys.argv[1:]
print(json.dumps({"date": datetime.date.today().isoformat(), "commit": commit, "system": "Debian 12 (bookworm) debootstrap minbase + python3, python3-venv, git, ca-certificates",
                  "command1_http": code, "command2_exit": int(rc), "command2_seconds": int(secs), "pytest_summary": summary}, ensure_ascii=False))
PY
