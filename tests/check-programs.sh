#!/usr/bin/env bash
# Check that every program the test scripts run comes from a package that
# tests/install-deps.sh installs (or from Debian's required set, which
# every Debian machine has).
#
# A test that passes only because somebody installed a program by hand
# fails on a fresh machine; this finds such a program on the machine
# where it was installed, before CI does. Run by .ci/run after
# install-deps, and by hand: tests/check-programs.sh [-v].
#
# How: the shell scripts under tests/ (and .ci/run) are read as text;
# the first word of every simple command (at the start of a line, after
# | || && ; ( $( ` ! then do else, past VAR=value assignments and the
# wrappers timeout/nice/env/exec/command/run) is a candidate. Here
# documents are skipped. A candidate counts when it is an executable in
# /usr/bin, /bin, /usr/sbin or /sbin and not a shell builtin, keyword or
# a function the tests define; dpkg then names its package, which must
# be listed by install-deps.sh, be one of their dependencies, or be
# required/essential. A program in none of those directories is either
# not a command (a word in a string) or not installed here, in which
# case the test that runs it fails with need()'s message naming the
# package.
set -eu
cd "$(dirname "$0")/.."
verbose=${1:-}

files=$( { find tests -name '*.sh' -o -name '*.bash' -o -name '*.inc'; echo .ci/run; } | sort)

# Functions defined by the test scripts (they shadow programs).
funcs=$(sed -n 's/^[[:space:]]*\([A-Za-z_][A-Za-z0-9_]*\)[[:space:]]*()[[:space:]]*{\{0,1\}.*$/\1/p' $files | sort -u)

candidates=$(awk '
function emit(seg,    n, w, i) {
    n = split(seg, w, /[ \t]+/)
    for (i = 1; i <= n; i++) {
        if (w[i] == "") continue
        if (w[i] ~ /^[A-Za-z_][A-Za-z0-9_]*=/) continue       # VAR=value
        if (w[i] ~ /^(timeout|nice|env|exec|command|run|time|xargs)$/) {
            # skip the wrapper and its numeric/option arguments
            while (i + 1 <= n && (w[i + 1] ~ /^-/ || w[i + 1] ~ /^[0-9.]+[smh]?$/)) i++
            continue
        }
        if (w[i] ~ /^[a-z][a-z0-9_.+-]*$/) print w[i]
        return
    }
}
{
    line = $0
    if (heredoc != "") {
        t = line; if (strip) sub(/^\t+/, "", t)
        if (t == heredoc) heredoc = ""
        next
    }
    if (match(line, /<<-?[ \t]*["\x27]?[A-Za-z_][A-Za-z0-9_]*["\x27]?/)) {
        h = substr(line, RSTART, RLENGTH)
        strip = (h ~ /^<<-/)
        gsub(/^<<-?[ \t]*["\x27]?|["\x27]$/, "", h)
        heredoc = h
    }
    sub(/(^|[ \t])#.*$/, "", line)                 # comments
    gsub(/\x27[^\x27]*\x27/, "\x27\x27", line)     # single-quoted text
    gsub(/"[^"]*"/, "\"\"", line)                   # double-quoted text
    gsub(/\$\(\([^)]*\)*\)\)/, "0", line)          # arithmetic $((...))
    gsub(/\(\([^)]*\)\)/, "", line)                # (( ... )) commands
    gsub(/\|\||&&|[|;`(){}!]|\$\(/, "\n", line)
    gsub(/(^|\n)[ \t]*(then|do|else|elif|if|while|until)[ \t]/, "\n", line)
    n = split(line, seg, "\n")
    for (i = 1; i <= n; i++) emit(seg[i])
}' $files | sort -u)

listed=$(tests/install-deps.sh --list)
# The listed packages and everything they depend on.
closure=$(apt-cache depends --recurse --no-recommends --no-suggests \
              --no-conflicts --no-breaks --no-replaces --no-enhances \
              $listed 2>/dev/null | sed -n 's/^\([a-z0-9][a-z0-9.+:-]*\)$/\1/p' |
          sed 's/:.*//' | sort -u)

# The package owning PATH; with a merged /usr, dpkg may know the file
# under /bin rather than /usr/bin (or the other way round).
owner() {
    local p alt
    case $1 in
    /usr/bin/*|/usr/sbin/*) alt=${1#/usr} ;;
    *) alt=/usr$1 ;;
    esac
    for p in "$1" "$alt" "$(readlink -f "$1")"; do
        dpkg -S "$p" 2>/dev/null | grep -v '^diversion by' | head -1 |
            sed 's/:.*//;s/,.*//' | grep . && return 0
    done
    return 0
}

bad=0
for c in $candidates; do
    case " $(printf '%s ' $funcs)" in *" $c "*) continue ;; esac
    t=$(type -t "$c" 2>/dev/null || true)
    [ "$t" = builtin ] || [ "$t" = keyword ] && continue
    path=
    for d in /usr/bin /bin /usr/sbin /sbin; do
        [ -x "$d/$c" ] && [ ! -d "$d/$c" ] && { path=$d/$c; break; }
    done
    [ -n "$path" ] || continue
    pkg=$(owner "$path")
    if [ -z "$pkg" ]; then
        echo "check-programs: '$c' ($path) belongs to no Debian package" >&2
        bad=1
        continue
    fi
    why=
    if printf '%s\n' $listed | grep -qx "$pkg"; then
        why="listed"
    elif printf '%s\n' $closure | grep -qx "$pkg"; then
        why="dependency of a listed package"
    else
        prio=$(dpkg-query -W -f='${Essential} ${Priority}' "$pkg" 2>/dev/null || true)
        case $prio in yes*|*required) why="required by Debian" ;; esac
    fi
    if [ -z "$why" ]; then
        echo "check-programs: tests run '$c' from the package $pkg, which tests/install-deps.sh does not install" >&2
        bad=1
    elif [ -n "$verbose" ]; then
        echo "$c: $pkg ($why)"
    fi
done
[ $bad -eq 0 ] && echo "check-programs: every program the tests run comes from tests/install-deps.sh"
exit $bad
