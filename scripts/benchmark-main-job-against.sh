#!/usr/bin/env bash
# The main job, this commit against an older one (REV, default 685f89b, the code issue 33 measured), back to back
# on this machine: each builds its own plugin and runs README's first command with REV's sample POM, so the network
# and recipe are the same and only the code differs. Prints, for each, the epochs fitted into the 14-minute budget,
# the mean epoch, the best validation and the test accuracy and the training JVM's peak RSS. About 30 minutes; run
# it alone on the machine. It leaves this commit's plugin installed.
set -euo pipefail
cd "$(dirname "$0")/.."
REV="${REV:-685f89b}"
WORK="$(mktemp -d)"
cleanup() {
  git worktree remove --force "$WORK/old" >/dev/null 2>&1 || true
  git worktree remove --force "$WORK/new" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
git worktree add -q --detach "$WORK/old" "$REV"
git worktree add -q --detach "$WORK/new" HEAD
git show "$REV:sample-project/classifier/pom.xml" > "$WORK/new/sample-project/classifier/pom.xml"

summary() { # the figures of one run's log
  awk -v name="$1" '
    /Epoch [0-9]+\/[0-9]+ .* s  [0-9]+ img\/s/ { for (i = 2; i <= NF; i++) if ($i == "s") { sum += $(i - 1); n++ } }
    /Kept the best epoch/ { best = $NF }
    /Test accuracy/ { for (i = 1; i <= NF; i++) if ($i == "accuracy") test = $(i + 1); sub(",", "", test) }
    /Peak resident memory of the training JVM/ { rss = $(NF - 1) }
    END { printf "%-16s epochs %2d  mean epoch %5.1f s  best val %s  test %s  peak RSS %s MB\n", name, n, sum / n, best, test, rss }
  ' "$2"
}

for side in old new; do
  label=$([ "$side" = old ] && echo "$REV" || git rev-parse --short HEAD)
  echo "== $label: README's first command with $REV's sample POM"
  if ! (cd "$WORK/$side" && ./sample-project/run-offline.sh) > "$WORK/$side.log" 2>&1; then
    tail -40 "$WORK/$side.log"
    exit 1
  fi
  grep -E 'Time budget|Stopping' "$WORK/$side.log" | sed 's/^\[INFO\] /  /' | tail -2
  summary "$label" "$WORK/$side.log"
done
