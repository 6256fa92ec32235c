# shellcheck shell=bash
# Shared set-up for scripts/run-qemu and scripts/test (source it, do not run it).
#
#   ue_setup              system packages, .venv, west workspace, environment
#   ue_build BOARD DIR    build the port (or an app with -s SRC) into DIR, quietly
#   ue_check_board BOARD  exit with the list of boards unless BOARD is one of ours
#                         or a board Zephyr knows (sizes from its devicetree)
#
# Everything it creates: .venv/ and build/ in the repository, and a west
# workspace (the repository's parent folder, or a private one when that folder
# already belongs to another workspace; see ue_setup_workspace).
#
# Environment it reads (all optional):
#   UEVENT_WORKSPACE   use (or create) the west workspace in this folder
#   UEVENT_NO_APT=1    never install system packages, only report them
#   UEVENT_VENV        the virtualenv to use (default: <repo>/.venv)

UE_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd -P)"
UE_BOARDS=(qemu_cortex_m3 mps2_an385 native_sim nrf52840dk_nrf52840 nucleo_f401re)
UE_APT_PACKAGES=(gcc-arm-none-eabi picolibc-arm-none-eabi qemu-system-arm gcc-multilib
                 g++-multilib ccache device-tree-compiler ninja-build cmake python3-venv git
                 uncrustify)

ue_say() { printf '%s\n' "$*" >&2; }
ue_step() { printf '==> %s\n' "$*" >&2; }
ue_die() {
    printf 'error: %s\n' "$1" >&2
    shift
    local line
    for line in "$@"; do printf '       %s\n' "$line" >&2; done
    exit 1
}

ue_check_board() {
    local b name="${1%%@*}"
    for b in "${UE_BOARDS[@]}"; do
        [[ "$1" == "$b" ]] && return 0
    done
    # Before the set-up Zephyr is not known yet: ue_build asks again.
    [[ -n "${ZEPHYR_BASE:-}" ]] || return 0
    if compgen -G "$ZEPHYR_BASE/boards/*/*/${name}_defconfig" >/dev/null; then
        ue_say "$1 has no file in boards/: sizes from its devicetree (docs/boards.md)"
        return 0
    fi
    ue_die "unknown board '$1': Zephyr has no such board." \
        "This project's boards: ${UE_BOARDS[*]}" \
        "(qemu_cortex_m3 and mps2_an385 run in QEMU; any other Zephyr board builds: docs/boards.md.)"
}

# --- system packages ---------------------------------------------------------

# Missing Debian packages, by what each provides (works without dpkg too).
ue_missing_packages() {
    local missing=()
    command -v arm-none-eabi-gcc >/dev/null || missing+=(gcc-arm-none-eabi)
    if ! ls /usr/lib/picolibc/arm-none-eabi/picolibc.specs >/dev/null 2>&1 &&
        ! arm-none-eabi-gcc -print-file-name=picolibc.specs 2>/dev/null | grep -q /; then
        missing+=(picolibc-arm-none-eabi)
    fi
    command -v qemu-system-arm >/dev/null || missing+=(qemu-system-arm)
    if ! echo 'int main(void){return 0;}' |
        gcc -m32 -x c - -o /dev/null >/dev/null 2>&1; then
        missing+=(gcc-multilib g++-multilib)
    fi
    command -v ccache >/dev/null || missing+=(ccache)
    command -v dtc >/dev/null || missing+=(device-tree-compiler)
    command -v ninja >/dev/null || missing+=(ninja-build)
    command -v cmake >/dev/null || missing+=(cmake)
    command -v git >/dev/null || missing+=(git)
    # MicroPython's C style (scripts/lib/check_c_format.py): 0.72 is Debian's.
    command -v uncrustify >/dev/null || missing+=(uncrustify)
    python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
    [[ ${#missing[@]} -eq 0 ]] || printf '%s\n' "${missing[@]}"
}

ue_setup_packages() {
    local missing
    mapfile -t missing < <(ue_missing_packages)
    [[ ${#missing[@]} -eq 0 ]] && return 0
    local is_debian=0 sudo=""
    [[ -r /etc/debian_version ]] && is_debian=1
    if [[ $EUID -ne 0 ]] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo="sudo"
    fi
    if [[ $is_debian -eq 1 && "${UEVENT_NO_APT:-0}" != 1 && ( $EUID -eq 0 || -n "$sudo" ) ]] &&
        command -v apt-get >/dev/null; then
        ue_step "installing system packages: ${missing[*]}"
        local log="${TMPDIR:-/tmp}/uevent-apt.log"
        if ! { $sudo apt-get update && DEBIAN_FRONTEND=noninteractive \
                $sudo apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            ue_die "apt-get could not install: ${missing[*]} (full log: $log)"
        fi
        mapfile -t missing < <(ue_missing_packages)
        [[ ${#missing[@]} -eq 0 ]] && return 0
        ue_die "still missing after apt-get install: ${missing[*]}"
    fi
    if [[ $is_debian -eq 1 ]]; then
        ue_die "missing system packages: ${missing[*]}" \
            "Install them (as root) and run this again:" \
            "  sudo apt-get update && sudo apt-get install ${missing[*]}"
    fi
    ue_die "missing tools (Debian package names): ${missing[*]}" \
        "This is not Debian/Ubuntu, so nothing was installed. Install the equivalents:" \
        "  an arm-none-eabi GCC with picolibc, qemu-system-arm, a host gcc with -m32" \
        "  support, ccache, dtc, ninja, cmake, git, python3 with venv, uncrustify 0.72;" \
        "  then run this again."
}

# --- Python ------------------------------------------------------------------

ue_setup_venv() {
    local venv="${UEVENT_VENV:-$UE_ROOT/.venv}"
    local req="$UE_ROOT/requirements.txt"
    local stamp="$venv/.uevent-requirements"
    if [[ ! -x "$venv/bin/python" ]]; then
        ue_step "creating the Python virtualenv $venv"
        python3 -m venv "$venv" || ue_die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
    fi
    local want
    want="$(sha256sum "$req" | cut -d' ' -f1)"
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
        ue_step "installing Python requirements into $venv"
        local log="$venv/pip-install.log"
        if ! "$venv/bin/python" -m pip install -r "$req" >"$log" 2>&1; then
            tail -n 20 "$log" >&2
            ue_die "pip install -r requirements.txt failed (full log: $log)"
        fi
        echo "$want" >"$stamp"
    fi
    export VIRTUAL_ENV="$venv"
    export PATH="$venv/bin:$PATH"
    hash -r
}

# --- west workspace ----------------------------------------------------------

# The topdir of the west workspace containing $1 (nearest .west above), if any.
ue_find_workspace() {
    local d="$1"
    while [[ "$d" != / ]]; do
        d="$(dirname "$d")"
        [[ -d "$d/.west" ]] && { echo "$d"; return 0; }
    done
    return 1
}

# Picks the workspace (UE_WS) and the manifest folder west uses there:
#  - UEVENT_WORKSPACE set: a private workspace there;
#  - a workspace above the repository whose manifest is this repository: it;
#  - a workspace above that belongs to another manifest: a private one, so we
#    never build against another checkout of this project;
#  - none: `west init -l` makes the repository's parent the workspace.
# A private workspace holds a copy of west.yml in <ws>/uevent-manifest.
ue_setup_workspace() {
    local above manifest_path
    UE_WS_PRIVATE=0
    if [[ -n "${UEVENT_WORKSPACE:-}" ]]; then
        UE_WS="$UEVENT_WORKSPACE"
        UE_WS_PRIVATE=1
    elif above="$(ue_find_workspace "$UE_ROOT")"; then
        manifest_path="$(cd "$above" && west config manifest.path 2>/dev/null || true)"
        if [[ -n "$manifest_path" && "$(cd "$above/$manifest_path" 2>/dev/null && pwd -P)" == "$(cd "$UE_ROOT" && pwd -P)" ]]; then
            UE_WS="$above"
        else
            UE_WS="$HOME/.cache/uevent-zephyr/ws-$(printf '%s' "$UE_ROOT" | sha256sum | cut -c1-12)"
            UE_WS_PRIVATE=1
            ue_say "note: $above is a west workspace for another checkout (${manifest_path:-?});"
            ue_say "      using the private workspace $UE_WS (set UEVENT_WORKSPACE to choose one)."
        fi
    else
        UE_WS="$(dirname "$UE_ROOT")"
        ue_step "creating the west workspace $UE_WS (west init -l)"
        (cd "$UE_WS" && west init -l "$UE_ROOT" >&2) || ue_die "west init -l $UE_ROOT failed"
    fi

    if [[ $UE_WS_PRIVATE -eq 1 ]]; then
        # The manifest copy is a git repository of its own: west (and
        # offline-west) ask the manifest project for its commit.
        local mdir="$UE_WS/uevent-manifest"
        mkdir -p "$mdir"
        [[ -d "$mdir/.git" ]] || git -C "$mdir" init -q
        if ! cmp -s "$UE_ROOT/west.yml" "$mdir/west.yml" ||
            ! git -C "$mdir" rev-parse -q --verify HEAD >/dev/null; then
            cp "$UE_ROOT/west.yml" "$mdir/west.yml"
            git -C "$mdir" add west.yml
            git -C "$mdir" -c user.name=uevent -c user.email=uevent@localhost \
                commit -q -m "west.yml from $UE_ROOT" >/dev/null
        fi
        if [[ ! -d "$UE_WS/.west" ]]; then
            ue_step "creating the west workspace $UE_WS (west init -l)"
            (cd "$UE_WS" && west init -l uevent-manifest >&2) || ue_die "west init -l failed in $UE_WS"
        fi
    fi
    UE_WS="$(cd "$UE_WS" && pwd -P)"

    # west update, once per version of west.yml.
    local stamp="$UE_WS/.west/uevent-updated" want
    want="$(sha256sum "$UE_ROOT/west.yml" | cut -d' ' -f1)"
    if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]] || [[ ! -f "$UE_WS/zephyr/VERSION" ]]; then
        ue_update_workspace
        echo "$want" >"$stamp"
    fi

    # Explicit paths: builds never depend on the current folder or on west
    # guessing the workspace.
    local name path modules=()
    while read -r name path; do
        case "$name" in
            manifest) ;;
            zephyr) ZEPHYR_BASE="$path" ;;
            micropython) MICROPY_DIR="$path"; modules+=("$path") ;;
            *) modules+=("$path") ;;
        esac
    done < <(cd "$UE_WS" && west list -f '{name} {abspath}')
    [[ -n "${ZEPHYR_BASE:-}" && -f "$ZEPHYR_BASE/VERSION" ]] ||
        ue_die "no Zephyr in the west workspace $UE_WS." "Run: cd $UE_WS && west update"
    [[ -n "${MICROPY_DIR:-}" && -f "$MICROPY_DIR/py/py.cmake" ]] ||
        ue_die "no MicroPython in the west workspace $UE_WS (modules/lib/micropython)." \
            "Run: cd $UE_WS && west update"
    modules+=("$UE_ROOT")
    export ZEPHYR_BASE MICROPY_DIR
    ZEPHYR_MODULES="$(IFS=';'; echo "${modules[*]}")"
    export ZEPHYR_MODULES
    export UE_WS
}

# ue_offline_west: prints the command that stands in for `west update` on a
# machine with offline snapshots (git config offline-west.snapshots and
# ../shared/tools/offline-west beside the repository), or nothing.
ue_offline_west() {
    local snapshots
    snapshots="$(git config --global offline-west.snapshots 2>/dev/null || true)"
    [[ -n "$snapshots" ]] || return 0
    if [[ -x "$UE_ROOT/../shared/tools/offline-west" ]]; then
        echo "$UE_ROOT/../shared/tools/offline-west"
    elif [[ -f "$UE_ROOT/../shared/tools/offline-west" ]]; then
        echo "bash $UE_ROOT/../shared/tools/offline-west"
    fi
}

ue_update_workspace() {
    local offline snapshots
    snapshots="$(git config --global offline-west.snapshots 2>/dev/null || true)"
    offline="$(ue_offline_west)"
    if [[ -n "$snapshots" && -z "$offline" ]]; then
        ue_say "note: offline-west.snapshots is set but $UE_ROOT/../shared/tools/offline-west"
        ue_say "      is missing: trying a plain west update."
    fi
    local log="$UE_WS/.west/uevent-update.log"
    if [[ -n "$offline" ]]; then
        ue_step "updating the west workspace $UE_WS (offline-west, from $snapshots)"
        (cd "$UE_WS" && $offline --update "$UE_WS") >"$log" 2>&1 || {
            tail -n 20 "$log" >&2
            ue_die "offline-west --update failed (full log: $log)"
        }
    else
        ue_step "updating the west workspace $UE_WS (west update: Zephyr, MicroPython, HALs)"
        (cd "$UE_WS" && west update) >"$log" 2>&1 || {
            tail -n 20 "$log" >&2
            ue_die "west update failed in $UE_WS (full log: $log)" \
                "It needs network access to github.com; run it again when online."
        }
    fi
}

# --- toolchain ---------------------------------------------------------------

ue_setup_toolchain() {
    export ZEPHYR_TOOLCHAIN_VARIANT=gnuarmemb
    export GNUARMEMB_TOOLCHAIN_PATH="${GNUARMEMB_TOOLCHAIN_PATH:-$(dirname "$(dirname "$(command -v arm-none-eabi-gcc)")")}"

    # Extra CMake arguments every build gets: none. The port finds picolibc in
    # the toolchain and turns on thread-local storage by itself
    # (zephyr_port/toolchain_defaults.cmake), as a user's `west build` does.
    # Zephyr's build uses ccache by itself when it is installed (setup
    # installs it). Paths under the workspace are hashed relative to it and
    # the build folder is left out of the hash, so a fresh clone in another
    # folder (CI) hits the objects an earlier checkout compiled.
    export CCACHE_BASEDIR="$UE_WS"
    export CCACHE_NOHASHDIR=true
    UE_CMAKE_ARGS=()
}

ue_setup() {
    ue_setup_packages
    ue_setup_venv
    ue_setup_workspace
    ue_setup_toolchain
}

# ue_build BOARD BUILD_DIR [SOURCE_DIR] [cmake args...]
# Builds quietly into BUILD_DIR (log: BUILD_DIR/build.log); on failure prints
# the first errors and the tail of the log, then exits.
ue_build() {
    local board="$1" dir="$2" src="${3:-$UE_ROOT/zephyr_port}"
    shift 3 || shift $#
    ue_check_board "$board"
    mkdir -p "$dir"
    local log="$dir/build.log"
    ue_step "building $(basename "$src") for $board in ${dir#"$UE_ROOT"/} (log: $log)"
    if [[ -f "$dir/CMakeCache.txt" ]] && ! grep -q "^BOARD:STRING=$board\$" "$dir/CMakeCache.txt"; then
        rm -rf "$dir"; mkdir -p "$dir"
    fi
    # Configure once; later builds let ninja re-run CMake when inputs change.
    local configure=(true)
    if [[ ! -f "$dir/build.ninja" || $# -gt 0 ]]; then
        configure=(cmake -S "$src" -B "$dir" -G Ninja -DBOARD="$board"
            -DZEPHYR_MODULES="$ZEPHYR_MODULES" "${UE_CMAKE_ARGS[@]}" "$@")
    fi
    if ! { "${configure[@]}" && cmake --build "$dir"; } >"$log" 2>&1; then
        {
            echo "---- first errors ----"
            grep -m 8 -E 'error:|Error|FATAL' "$log" || true
            echo "---- end of the build log ----"
            tail -n 25 "$log"
            echo "----"
        } >&2
        ue_die "the build for $board failed; full log: $log"
    fi
}
