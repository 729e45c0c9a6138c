# Shared by the bench scripts (sourced, not run).

# Prints "req/s p50_ms p99_ms requests non2xx socket_errors" from the output file of `wrk --latency`.
wrk_summary() {  # wrk_output_file
  awk '
    function ms(v) {
      if (v ~ /us$/) return v * 0.001
      if (v ~ /ms$/) return v + 0
      if (v ~ /m$/) return v * 60000
      if (v ~ /s$/) return v * 1000
      return v + 0
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    $2 == "requests" && $3 == "in" { n = $1 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { gsub(",", ""); sock = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %d %d %d\n", rps, p50, p99, n, bad, sock }' "$1"
}

# The median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | sed -n "$(( ($# + 1) / 2 ))p"; }

# Stops the process whose pid is in the named variable (SIGTERM, SIGKILL after 30 s), waits, clears the variable.
stop_pid() {  # variable name
  local p=${!1}
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null || true
  local i
  for i in $(seq 1 300); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then
    echo "$1 ($p) still running 30 s after SIGTERM: SIGKILL"
    kill -9 "$p" 2>/dev/null || true
  fi
  wait "$p" 2>/dev/null || true
  printf -v "$1" '%s' ""
}

json_field() {  # field [field...]: prints stdin's JSON value at that path
  python3 -c 'import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1:]: v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"
}

kv() {  # key line: the value of key=value in line
  awk -v k="$1" '{ for (i = 1; i <= NF; i++) { split($i, p, "="); if (p[1] == k) { print substr($i, length(k) + 2); exit } } }' <<<"$2"
}

# utime + stime of a process in clock ticks (0 when it is gone)
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# the machine's busy and total ticks: "busy total"
machine_ticks() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6, t }' /proc/stat; }
# CPU % of one core: ticks over seconds (at the clock tick rate)
hz=$(getconf CLK_TCK)
cpu_pct() { awk -v t="$1" -v hz="$hz" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", 100 * t / hz / s; else print 0 }'; }
# a number rounded to an integer
fmt() { awk -v r="$1" 'BEGIN { printf "%.0f", r }'; }
