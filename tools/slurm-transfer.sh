#!/usr/bin/env bash
# Runs a planned transfer grid (engine.jar transfer plan ...) on a Slurm cluster: one job-array task per cell.
#
#   tools/slurm-transfer.sh submit DIR [SBATCH_OPTION ...]
#       Submits one job array per stage file of the plan (DIR/stage-0.txt: the cells that need nothing, e.g. the base
#       networks; DIR/stage-1.txt: the cells that copy from them), each stage starting after the previous one has
#       ended (afterany, so a failed base only makes its dependants "skipped"), then a last job that writes the
#       report. Array task i of a stage runs the cell on line i+1 of that stage's file. Extra options go to every
#       sbatch call, e.g. --partition=gpu --gres=gpu:1 --time=10-00:00:00 --mem=32G.
#       Submitting again later is safe: cells that already have a result return at once.
#
#   tools/slurm-transfer.sh task DIR STAGE_FILE
#       What each array task runs (SLURM_ARRAY_TASK_ID selects the line). Can be run by hand to test a cell.
#
# Environment:
#   GRAFT_JAR   the engine jar (default: target/engine.jar of this checkout)
#   GRAFT_JAVA  the java command (default: java)
#   GRAFT_CMD   the whole command that starts Graft, overriding the two above (e.g. "java -cp CLASSPATH org.graft.cli.Main")
#   GRAFT_OPTS  extra options for run-cell, e.g. "--device-type gpu" or "--backend lwjgl"
# Logs: DIR/slurm/<job name>-<job id>_<task>.out; each cell also logs to DIR/cells/<cell>/train.log.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
graft_cmd() {
  if [ -n "${GRAFT_CMD:-}" ]; then
    echo "$GRAFT_CMD"
  else
    echo "${GRAFT_JAVA:-java} -jar ${GRAFT_JAR:-$here/../target/engine.jar}"
  fi
}

usage() {
  sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

[ $# -ge 2 ] || usage
mode="$1"
dir="$(cd "$2" && pwd)"
shift 2
[ -f "$dir/plan.json" ] || { echo "slurm-transfer: $dir holds no plan.json; run 'transfer plan EXPERIMENT.json $dir' first" >&2; exit 2; }

case "$mode" in
  submit)
    command -v sbatch >/dev/null || { echo "slurm-transfer: sbatch not found (is this a Slurm login node?)" >&2; exit 2; }
    mkdir -p "$dir/slurm"
    name="graft-$(basename "$dir")"
    dependency=()
    last=""
    for stage in "$dir"/stage-*.txt; do
      count=$(grep -c . "$stage" || true)
      [ "$count" -gt 0 ] || continue
      k="$(basename "$stage" .txt)"
      # --wrap, not the script itself: sbatch runs a copy of its script from the spool folder, where this
      # script would no longer find the checkout's target/engine.jar beside it.
      last=$(sbatch --parsable "${dependency[@]}" --array="0-$((count - 1))" --job-name="$name-$k" \
        --output="$dir/slurm/%x-%A_%a.out" "$@" --wrap="'$here/slurm-transfer.sh' task '$dir' '$stage'")
      last="${last%%;*}"
      echo "submitted $k: $count cell(s) as job array $last"
      dependency=(--dependency="afterany:$last")
    done
    [ -n "$last" ] || { echo "slurm-transfer: the plan in $dir has no cells" >&2; exit 2; }
    report=$(sbatch --parsable "${dependency[@]}" --job-name="$name-report" --output="$dir/slurm/%x-%j.out" "$@" \
      --wrap="$(graft_cmd) transfer report '$dir'")
    echo "submitted the report as job ${report%%;*}; results will be in $dir/report.md"
    ;;
  task)
    [ $# -ge 1 ] || usage
    stage="$1"
    index="${SLURM_ARRAY_TASK_ID:?SLURM_ARRAY_TASK_ID is not set (this mode runs inside a Slurm array task)}"
    cell=$(grep . "$stage" | sed -n "$((index + 1))p")
    [ -n "$cell" ] || { echo "slurm-transfer: $stage has no line $((index + 1))" >&2; exit 2; }
    echo "slurm-transfer: task $index of $(basename "$stage") runs cell $cell on $(hostname)"
    # shellcheck disable=SC2046,SC2086
    exec $(graft_cmd) transfer run-cell "$dir" "$cell" ${GRAFT_OPTS:-}
    ;;
  *)
    usage
    ;;
esac
