# shellcheck shell=bash
# The constants and settings below are read by the scripts that source this file.
# shellcheck disable=SC2034
# Shared by the host kit's scripts (sourced, never run): configuration, exit codes, the lock, the
# audit log, the pins files and the one way the kit calls Docker Compose v2.
#
# Exit codes (docs/host-contract.md). None is 255: ssh exits 255 on its own failures, and the
# action reads 255 as "the connection failed, state unknown".
readonly EX_OK=0
readonly EX_FAIL=1         # a step failed unexpectedly (message on stderr)
readonly EX_USAGE=2        # bad arguments
readonly EX_PRECONDITION=3 # no previous pins, unknown or incomplete backup, bad configuration
readonly EX_INTEGRITY=4    # a backup's checksums, dump or archive do not check out
readonly EX_HEALTH=5       # `up --wait` failed, a service is not running/healthy, a smoke URL fails
readonly EX_LOCKED=75      # another deploy, backup or rollback holds the lock (EX_TEMPFAIL)
readonly EX_NO_COMPOSE=127 # `docker compose` (v2) is not installed
export EX_OK

HK_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly HK_LIB_DIR
HK_SCRIPT=$(basename "$0")

# Keys hostkit.conf may set; anything else is refused, so a typo is an error, not a silent default.
readonly HK_KEYS='APP_DIR PROJECT COMPOSE_FILES CONFIG_FILES STATE_DIR BACKUP_DIR KEEP_BACKUPS
DB_SERVICE DB_USER DB_NAME VOLUMES HELPER_IMAGE WAIT_TIMEOUT LOCK_WAIT SAFETY_BACKUP
VALIDATE_DELAY SMOKE_URLS SMOKE_TRIES SMOKE_INTERVAL'

hk_log() { printf '%s: %s\n' "$HK_SCRIPT" "$*" >&2; }

hk_die() {
  local code=$1
  shift
  hk_log "$*"
  exit "$code"
}

# An unexpected failure under `set -e` exits 1 with the line, never with the failed command's own
# code: 2-5, 75 and 127 must keep the meanings above.
hk_on_err() {
  local rc=$1 line=$2
  hk_log "failed (exit $rc) at line $line: $BASH_COMMAND"
  exit "$EX_FAIL"
}

hk_on_exit() {
  local rc=$?
  case $rc in
    0 | 1 | 2 | 3 | 4 | 5 | 75 | 127) exit "$rc" ;;
    *) exit "$EX_FAIL" ;;
  esac
}

hk_init() {
  set -Eeuo pipefail
  umask 027
  trap 'hk_on_err $? $LINENO' ERR
  trap hk_on_exit EXIT
  hk_load_config
  cd "$HK_APP_DIR"
}

hk_load_config() {
  HK_APP_DIR=$(cd "$HK_LIB_DIR/../.." && pwd)
  HK_PROJECT=''
  HK_COMPOSE_FILES='compose.yaml'
  HK_CONFIG_FILES=''
  HK_STATE_DIR='.deploy'
  HK_BACKUP_DIR='backups'
  HK_KEEP_BACKUPS=5
  HK_DB_SERVICE=''
  HK_DB_USER='postgres'
  HK_DB_NAME='postgres'
  HK_VOLUMES=''
  HK_HELPER_IMAGE=''
  HK_WAIT_TIMEOUT=120
  HK_LOCK_WAIT=30
  HK_SAFETY_BACKUP=1
  HK_VALIDATE_DELAY=10
  HK_SMOKE_URLS=''
  HK_SMOKE_TRIES=5
  HK_SMOKE_INTERVAL=2
  local file=${HOSTKIT_CONF:-$HK_LIB_DIR/hostkit.conf} line key value n=0
  [[ -f $file ]] || hk_die "$EX_PRECONDITION" "no configuration at $file (install.sh writes one)"
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    [[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
    [[ $line =~ ^([A-Z_]+)=(.*)$ ]] ||
      hk_die "$EX_PRECONDITION" "$file line $n is not KEY=value"
    key=${BASH_REMATCH[1]}
    value=${BASH_REMATCH[2]}
    [[ $value =~ ^\"(.*)\"$ ]] && value=${BASH_REMATCH[1]}
    [[ " ${HK_KEYS//$'\n'/ } " == *" $key "* ]] ||
      hk_die "$EX_PRECONDITION" "$file line $n: unknown key $key (known: ${HK_KEYS//$'\n'/ })"
    printf -v "HK_$key" '%s' "$value"
  done <"$file"
  # Compose's own rule for project names; the name decides which volumes a stack uses, so it is
  # never left to the directory's name or COMPOSE_PROJECT_NAME.
  [[ $HK_PROJECT =~ ^[a-z0-9][a-z0-9_-]*$ ]] ||
    hk_die "$EX_PRECONDITION" "PROJECT '$HK_PROJECT' in $file: lowercase letters, digits, '_' and '-' (the compose project name, -p)"
  local number
  for number in KEEP_BACKUPS WAIT_TIMEOUT LOCK_WAIT VALIDATE_DELAY SMOKE_TRIES SMOKE_INTERVAL SAFETY_BACKUP; do
    local v="HK_$number"
    [[ ${!v} =~ ^[0-9]{1,5}$ ]] || hk_die "$EX_PRECONDITION" "$number '${!v}' in $file is not a number"
  done
  ((HK_KEEP_BACKUPS >= 2)) || hk_die "$EX_PRECONDITION" "KEEP_BACKUPS must be at least 2"
  local word
  for word in $HK_VOLUMES $HK_DB_SERVICE; do
    [[ $word =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] || hk_die "$EX_PRECONDITION" "'$word' in $file is not a service or volume name"
  done
  [[ $HK_STATE_DIR == /* ]] || HK_STATE_DIR="$HK_APP_DIR/$HK_STATE_DIR"
  [[ $HK_BACKUP_DIR == /* ]] || HK_BACKUP_DIR="$HK_APP_DIR/$HK_BACKUP_DIR"
  [[ -n $HK_CONFIG_FILES ]] || HK_CONFIG_FILES=$HK_COMPOSE_FILES
  HK_CURRENT="$HK_STATE_DIR/current.env"
  HK_PREVIOUS="$HK_STATE_DIR/previous.env"
}

# `docker compose version` exits 1 when only the v2 plugin is missing (and the shell 127 when
# docker is): both become the kit's 127. Compose v1 (`docker-compose`) is never a fallback.
hk_require_compose() {
  if ! docker compose version --short >/dev/null 2>&1; then
    hk_die "$EX_NO_COMPOSE" "docker compose (Compose v2) is not available: install the docker-compose-plugin package (docker-compose v1 is not supported)"
  fi
}

# One deploy, backup or rollback at a time on this host (like Kamal's deploy lock).
hk_lock() {
  mkdir -p "$HK_STATE_DIR"
  exec 9>>"$HK_STATE_DIR/lock"
  flock -w "$HK_LOCK_WAIT" 9 ||
    hk_die "$EX_LOCKED" "another deploy, backup or rollback holds $HK_STATE_DIR/lock (waited ${HK_LOCK_WAIT}s)"
}

# Append-only: who ran what, when (UTC).
hk_audit() {
  mkdir -p "$HK_STATE_DIR"
  printf '%s %s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "${SUDO_USER:-${USER:-$(id -un)}}" "$HK_SCRIPT" "$*" >>"$HK_STATE_DIR/audit.log"
}

# A pin is KEY=value: an image reference (repo@sha256:…, repo:git-sha) or a version. The value
# alphabet needs no quoting anywhere; names that would change how Docker or the shell behave are
# refused.
readonly HK_PIN_RE='^[A-Z][A-Z0-9_]*=[A-Za-z0-9][A-Za-z0-9._/:@+-]*$'
hk_check_pin() {
  local pin=$1
  [[ $pin =~ $HK_PIN_RE ]] || return 1
  case ${pin%%=*} in
    PATH | HOME | USER | SHELL | IFS | PWD | LANG | TMPDIR | COMPOSE_* | DOCKER_* | BASH* | LD_* | HK_*) return 1 ;;
  esac
}

# Checks every line of a pins file; prints why on stderr and returns 1 on the first bad one.
hk_check_pins_file() {
  local file=$1 line n=0
  [[ -f $file ]] || {
    hk_log "$file is missing"
    return 1
  }
  while IFS= read -r line || [[ -n $line ]]; do
    n=$((n + 1))
    [[ -z $line || $line == \#* ]] && continue
    hk_check_pin "$line" || {
      hk_log "$file line $n is not a pin (KEY=image-or-version)"
      return 1
    }
  done <"$file"
}

hk_pin_keys() { grep -E '^[A-Z][A-Z0-9_]*=' "$1" | cut -d= -f1; }
hk_pin_images() { grep -E '^[A-Z][A-Z0-9_]*_IMAGE=' "$1" | cut -d= -f2- || true; }

# docker compose for this project with these pins. Shell variables win over --env-file during
# interpolation, so every pinned name (and COMPOSE_*) is removed from the environment first.
hk_compose() {
  local env_file=$1 key file
  shift
  local -a unset_args=(-u COMPOSE_PROJECT_NAME -u COMPOSE_FILE -u COMPOSE_ENV_FILES -u COMPOSE_PROFILES)
  while IFS= read -r key; do unset_args+=(-u "$key"); done < <(hk_pin_keys "$env_file")
  local -a files=()
  for file in $HK_COMPOSE_FILES; do files+=(-f "$file"); done
  env "${unset_args[@]}" docker compose -p "$HK_PROJECT" --project-directory "$HK_APP_DIR" "${files[@]}" --env-file "$env_file" "$@"
}

# Starts the stack with these pins and waits for every healthcheck. `pull` is never for Level 1
# (the images are on the host: works with the registry down), missing for deploys and restores.
hk_up() {
  local env_file=$1 pull=$2
  hk_compose "$env_file" up -d --no-build --pull "$pull" --remove-orphans --wait --wait-timeout "$HK_WAIT_TIMEOUT"
}

# Writes a file atomically (same directory, then rename): a reader never sees half of it.
hk_install_file() {
  local src=$1 dest=$2
  cp -- "$src" "$dest.tmp.$$"
  mv -f -- "$dest.tmp.$$" "$dest"
}

# Stopped "keeper" containers hold the previous images, so an `image prune -a` (a cron job, a
# disk cleaner) cannot delete what Level 1 needs (Kamal's retained containers).
hk_keep_images() {
  local env_file=$1 image i=0
  docker ps -aq --filter "label=rollback-sentinel.keep=$HK_PROJECT" | while IFS= read -r id; do
    docker rm -f "$id" >/dev/null
  done
  while IFS= read -r image; do
    [[ -n $image ]] || continue
    i=$((i + 1))
    docker create --name "$HK_PROJECT-rollback-keep-$i" --label "rollback-sentinel.keep=$HK_PROJECT" "$image" >/dev/null ||
      hk_log "warning: could not create a keeper container for $image"
  done < <(hk_pin_images "$env_file")
}

readonly HK_BACKUP_RE='^backup-([0-9]{4})([0-9]{2})([0-9]{2})-([0-9]{2})([0-9]{2})([0-9]{2})$'

# A complete backup: its final name (a partial one is still .backup-….partial), a manifest and
# checksums.
hk_backup_complete() {
  local dir=$1
  [[ $(basename "$dir") =~ $HK_BACKUP_RE ]] && [[ -d $dir && -f $dir/manifest && -f $dir/SHA256SUMS ]]
}

# The backup ids, newest first. Fixed-width UTC names sort by time; mtimes do not survive a copy.
hk_backup_ids() {
  local dir
  [[ -d $HK_BACKUP_DIR ]] || return 0
  for dir in "$HK_BACKUP_DIR"/backup-*; do
    if hk_backup_complete "$dir"; then basename "$dir"; fi
  done | LC_ALL=C sort -r
}

# The services that write (all but the database): stopped while data is copied or restored.
hk_writers() {
  local env_file=$1 service
  hk_compose "$env_file" config --services | while IFS= read -r service; do
    if [[ $service != "$HK_DB_SERVICE" ]]; then printf '%s\n' "$service"; fi
  done
}

hk_pg() {
  local env_file=$1
  shift
  hk_compose "$env_file" exec -T "$HK_DB_SERVICE" "$@"
}

# Major version of the running PostgreSQL (server_version_num / 10000).
hk_pg_major() {
  local num
  num=$(hk_pg "$1" psql -U "$HK_DB_USER" -d "$HK_DB_NAME" -tAc 'SHOW server_version_num' | tr -d '[:space:]')
  [[ $num =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' $((num / 10000))
}

# Writes a complete backup of the running stack into PARENT/NAME: the pins, the configuration
# files, the database (custom-format pg_dump, checked with pg_restore -l), the volumes, a manifest
# and SHA256SUMS. Built in a hidden .partial directory and renamed when complete.
hk_take_backup() {
  local parent=$1 name=$2
  local partial="$parent/.$name.partial" final="$parent/$name"
  [[ ! -e $final ]] || hk_die "$EX_PRECONDITION" "$final already exists"
  [[ -f $HK_CURRENT ]] || hk_die "$EX_PRECONDITION" "no current pins ($HK_CURRENT): deploy once with deploy.sh before the first backup"
  hk_check_pins_file "$HK_CURRENT" || hk_die "$EX_PRECONDITION" "the current pins do not check out"
  mkdir -p "$parent"
  rm -rf -- "$partial"
  mkdir -- "$partial"
  cp -- "$HK_CURRENT" "$partial/pins.env"
  local -a config=()
  local f
  for f in $HK_CONFIG_FILES; do
    if [[ -e $f ]]; then config+=("$f"); fi
  done
  if ((${#config[@]})); then
    tar -czf "$partial/config.tar.gz" -- "${config[@]}"
  fi
  local pg_major=''
  if [[ -n $HK_DB_SERVICE ]]; then
    # -T: no TTY. `compose exec` allocates one by default, and a TTY corrupts the binary dump.
    hk_pg "$HK_CURRENT" pg_dump -U "$HK_DB_USER" -d "$HK_DB_NAME" -Fc >"$partial/db.dump"
    hk_pg "$HK_CURRENT" pg_dumpall -U "$HK_DB_USER" --globals-only >"$partial/globals.sql"
    hk_pg "$HK_CURRENT" pg_restore -l <"$partial/db.dump" >/dev/null ||
      hk_die "$EX_INTEGRITY" "the database dump just taken does not read back (pg_restore -l)"
    pg_major=$(hk_pg_major "$HK_CURRENT") || hk_die "$EX_FAIL" "could not read the PostgreSQL version"
  fi
  local vol
  for vol in $HK_VOLUMES; do
    [[ -n $HK_HELPER_IMAGE ]] || hk_die "$EX_PRECONDITION" "VOLUMES needs HELPER_IMAGE (an image with tar, already on the host)"
    docker run --rm --network none -v "${HK_PROJECT}_$vol:/data:ro" -v "$partial:/backup" "$HK_HELPER_IMAGE" \
      tar -C /data -czf "/backup/volume-$vol.tgz" --numeric-owner .
  done
  {
    printf 'id=%s\n' "$name"
    printf 'time=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf 'project=%s\n' "$HK_PROJECT"
    printf 'pg_major=%s\n' "$pg_major"
    printf 'volumes=%s\n' "$HK_VOLUMES"
  } >"$partial/manifest"
  (cd "$partial" && find . -maxdepth 1 -type f -printf '%P\n' | LC_ALL=C sort | xargs -r -d '\n' sha256sum --) >"$partial.sums"
  mv -- "$partial.sums" "$partial/SHA256SUMS"
  mv -- "$partial" "$final"
}
