bats_require_minimum_version 1.5.0

# Shared by the kit's bats files: an app directory installed by install.sh, a recording docker
# first on PATH, and helpers to run the scripts as the action does (cd app-dir, bash <script>).
# Once per file: install the kit into $APP, then keep two copies of it: just installed, and after
# deploy v1 / backup / deploy v2 (the state a breach finds). Each test starts from a fresh copy at
# the same path (hostkit.conf names it).
setup_file() {
  KIT_SRC=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
  export KIT_SRC
  export APP="$BATS_FILE_TMPDIR/app"
  export PATH="$BATS_TEST_DIRNAME/bin:$PATH"
  export DOCKER_LOG="$BATS_FILE_TMPDIR/docker.log" STUB_DIR="$BATS_FILE_TMPDIR"
  unset APP_IMAGE HOSTKIT_CONF
  mkdir -p "$APP/config"
  printf 'services:\n  app:\n    image: ${APP_IMAGE:?}\n' >"$APP/compose.yaml"
  echo 'greeting=v1' >"$APP/config/app.conf"
  bash "$KIT_SRC/install.sh" --app-dir "$APP" --project demo --db-service db --db-user app \
    --db-name app --config-file compose.yaml --config-file config --smoke-url http://127.0.0.1:9/ \
    --gate-path "$BATS_FILE_TMPDIR/gate" >"$BATS_FILE_TMPDIR/install.log" 2>&1
  printf 'VALIDATE_DELAY=0\nLOCK_WAIT=0\n' >>"$APP/deploy/rollback/hostkit.conf"
  cp -a "$APP" "$BATS_FILE_TMPDIR/installed"
  cd "$APP"
  bash deploy/rollback/deploy.sh APP_IMAGE=registry.example.com/app:v1 >/dev/null
  bash deploy/rollback/backup.sh >"$BATS_FILE_TMPDIR/backup-id"
  echo 'greeting=v2' >"$APP/config/app.conf"
  bash deploy/rollback/deploy.sh APP_IMAGE=registry.example.com/app:v2 >/dev/null
  mv "$APP" "$BATS_FILE_TMPDIR/deployed"
}

# A fresh app directory: `installed` (nothing deployed) or `deployed` (v1, backup $BACKUP, v2).
setup_kit() {
  local state=${1:-deployed}
  export DOCKER_LOG="$BATS_TEST_TMPDIR/docker.log" STUB_DIR="$BATS_TEST_TMPDIR"
  : >"$DOCKER_LOG"
  rm -rf "$APP"
  cp -a "$BATS_FILE_TMPDIR/$state" "$APP"
  BACKUP=$(cat "$BATS_FILE_TMPDIR/backup-id")
  cd "$APP" || return 1
}

# Runs a kit script as the action would: bash <path relative to app-dir> <args>.
# `kit -127 script …` expects that exit code (bats warns about 127 otherwise).
kit() {
  local expect=() script
  if [[ $1 == -[0-9]* ]]; then
    expect=("$1")
    shift
  fi
  script=$1
  shift
  case $script in
    smoke_tests.sh) run "${expect[@]}" bash deploy/smoke_tests.sh "$@" ;;
    *) run "${expect[@]}" bash "deploy/rollback/$script" "$@" ;;
  esac
}

calls() { cat "$DOCKER_LOG"; }
clear_calls() { : >"$DOCKER_LOG"; }
pins_of() { cat "$1"; }

conf() { printf '%s\n' "$@" >>"$APP/deploy/rollback/hostkit.conf"; }
