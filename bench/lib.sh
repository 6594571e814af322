# Helpers for bench/*/run.sh (sourced). Needs BENCH_BIN and BENCH_DATA
# (set by bench/run.sh).

# bench_profile NAME GEN_ARGS...: path of a profile made by gen_profile
# with GEN_ARGS, cached as $BENCH_DATA/NAME; remade when gen_profile is
# newer than the cached file or the arguments changed.
bench_profile() {
    local name=$1 out="$BENCH_DATA/$1"
    shift
    if [ ! -s "$out" ] || [ "$BENCH_BIN/gen_profile" -nt "$out" ] ||
        [ "$(cat "$out.args" 2>/dev/null)" != "$*" ]; then
        rm -f "$out" "$out.args"
        "$BENCH_BIN/gen_profile" -q "$@" -o "$out" >&2 || return 1
        printf '%s' "$*" >"$out.args"
    fi
    echo "$out"
}

# bench_time OUTVAR CMD...: run CMD (stdout to wherever the caller
# redirects it) under /usr/bin/time; sets OUTVAR to
# "WALL_S USER_S SYS_S MAXRSS_KB EXIT" (EXIT != 0 = the command failed).
bench_time() {
    local __var=$1 __tf
    shift
    __tf=$(mktemp)
    /usr/bin/time -f '%e %U %S %M %x' -o "$__tf" "$@"
    printf -v "$__var" '%s' "$(tail -1 "$__tf")"
    rm -f "$__tf"
}

# bench_need_time: /usr/bin/time (Debian package "time") must exist.
bench_need_time() {
    [ -x /usr/bin/time ] && return 0
    echo "bench: /usr/bin/time is missing (apt-get install time; see tests/install-deps.sh)" >&2
    exit 1
}
