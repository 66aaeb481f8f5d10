# The options the side-by-side benchmark scripts share, sourced after `root` is set:
#   [--quick] [--rounds N] [--out-dir DIR]
# Sets quick (0/1), rounds (2; 1 with --quick), out (docs/results; benchmarks/target/quick-results with
# --quick), seconds per measurement (10; 2 with --quick) and data (the fashion-mnist directory).
quick=0; rounds=2; out="$root/docs/results"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1; rounds=1; out="$root/benchmarks/target/quick-results"; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    --out-dir) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--quick] [--rounds N] [--out-dir DIR]" >&2; exit 2 ;;
  esac
done
seconds=$([[ $quick == 1 ]] && echo 2 || echo 10)
data="$(cd "$root/../shared/data/fashion-mnist" 2>/dev/null && pwd || echo "${ADAN_DATA_DIR:-/usr/share/datasets}/fashion-mnist")"
