#!/usr/bin/env bash
# install.sh: puts the host kit into an app directory, writes its hostkit.conf, installs the gate
# and prints the authorized_keys line (and, with --sudo, installs the sudoers rule).
#
#   sudo hostkit/install.sh --app-dir /srv/app --project app [--compose-file compose.yaml]...
#        [--config-file PATH]... [--db-service postgres --db-user app --db-name app]
#        [--volume NAME]... [--helper-image IMAGE] [--smoke-url URL]...
#        [--deploy-user deploy] [--sudo] [--gate-path /usr/local/sbin/rollback-sentinel-gate]
#        [--force]
#
# Layout in the app directory (the action's defaults):
#   deploy/rollback/{rollback,validate_rollback,backup,deploy}.sh, lib.sh, hostkit.conf
#   deploy/smoke_tests.sh
#   .deploy/ (pins, lock, audit log)  backups/ (backup-YYYYMMDD-HHMMSS/)
# Run as root: the scripts and their configuration are then root-owned and not writable by the
# deploy user (who could otherwise change what the gate or sudo lets it run).
set -euo pipefail
src=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() {
  echo "install.sh: $*" >&2
  exit 2
}

app_dir='' project='' db_service='' db_user='postgres' db_name='postgres' helper_image=''
deploy_user='' use_sudo=0 force=0 gate_path='/usr/local/sbin/rollback-sentinel-gate'
compose_files=() config_files=() volumes=() smoke_urls=()
while (($#)); do
  case $1 in
    --app-dir) app_dir=${2:?--app-dir needs a value} && shift ;;
    --project) project=${2:?} && shift ;;
    --compose-file) compose_files+=("${2:?}") && shift ;;
    --config-file) config_files+=("${2:?}") && shift ;;
    --db-service) db_service=${2:?} && shift ;;
    --db-user) db_user=${2:?} && shift ;;
    --db-name) db_name=${2:?} && shift ;;
    --volume) volumes+=("${2:?}") && shift ;;
    --helper-image) helper_image=${2:?} && shift ;;
    --smoke-url) smoke_urls+=("${2:?}") && shift ;;
    --deploy-user) deploy_user=${2:?} && shift ;;
    --gate-path) gate_path=${2:?} && shift ;;
    --sudo) use_sudo=1 ;;
    --force) force=1 ;;
    -h | --help)
      sed -n '2,16p' "$0"
      exit 0
      ;;
    *) die "unknown option $1 (--help)" ;;
  esac
  shift
done
[[ $app_dir == /* ]] || die "--app-dir must be an absolute path"
[[ $project =~ ^[a-z0-9][a-z0-9_-]*$ ]] || die "--project: the compose project name (lowercase letters, digits, _ and -)"
((${#compose_files[@]})) || compose_files=(compose.yaml)
((${#smoke_urls[@]})) || echo "install.sh: no --smoke-url: smoke_tests.sh will fail until SMOKE_URLS is set in hostkit.conf" >&2
for word in "${compose_files[@]}" "${config_files[@]}" "${volumes[@]}" "${smoke_urls[@]}" "$helper_image" "$db_user" "$db_name" "$db_service"; do
  [[ $word != *[[:space:]\"\'\$\`\\]* ]] || die "'$word': no spaces, quotes, \$, \` or backslashes"
done
if ((use_sudo)) && [[ -z $deploy_user ]]; then die "--sudo needs --deploy-user"; fi

root=0
[[ $(id -u) == 0 ]] && root=1
((root)) || echo "install.sh: not root: the files stay owned by $(id -un); the deploy user must not be able to change them (docs/deploy-user.md)" >&2

kit="$app_dir/deploy/rollback"
install -d -m 0755 "$app_dir/deploy" "$kit"
for f in lib.sh rollback.sh validate_rollback.sh backup.sh deploy.sh; do
  install -m 0755 "$src/$f" "$kit/$f"
done
install -m 0755 "$src/smoke_tests.sh" "$app_dir/deploy/smoke_tests.sh"

conf="$kit/hostkit.conf"
if [[ -e $conf && $force == 0 ]]; then
  echo "install.sh: $conf exists: kept (--force replaces it)"
else
  join() {
    local IFS=' '
    echo "$*"
  }
  {
    echo "# rollback-sentinel host kit (docs/host-contract.md). KEY=value, no shell."
    echo "APP_DIR=$app_dir"
    echo "PROJECT=$project"
    echo "COMPOSE_FILES=$(join "${compose_files[@]}")"
    echo "CONFIG_FILES=$(join "${config_files[@]}")"
    echo "DB_SERVICE=$db_service"
    echo "DB_USER=$db_user"
    echo "DB_NAME=$db_name"
    echo "VOLUMES=$(join "${volumes[@]}")"
    echo "HELPER_IMAGE=$helper_image"
    echo "SMOKE_URLS=$(join "${smoke_urls[@]}")"
    echo "KEEP_BACKUPS=5"
    echo "WAIT_TIMEOUT=120"
  } >"$conf.tmp"
  chmod 0644 "$conf.tmp"
  mv -f "$conf.tmp" "$conf"
  echo "install.sh: wrote $conf"
fi

# State and backups: written by whoever runs the scripts (the deploy user in the docker group,
# root under --sudo).
install -d -m 0750 "$app_dir/.deploy" "$app_dir/backups"
if ((root)) && [[ -n $deploy_user ]] && ((use_sudo == 0)); then
  chown "$deploy_user" "$app_dir/.deploy" "$app_dir/backups"
fi
if ((root)); then
  chown root:root "$app_dir/deploy" "$kit" "$kit"/*.sh "$conf" "$app_dir/deploy/smoke_tests.sh"
fi

install -d -m 0755 "$(dirname "$gate_path")"
install -m 0755 "$src/gate.sh" "$gate_path"
echo "install.sh: gate installed as $gate_path"

gate_opts="--app-dir $app_dir"
((use_sudo)) && gate_opts+=" --sudo"
if ((use_sudo)); then
  # sudo >= 1.9.10 reads ^…$ arguments as a regular expression; "" allows no arguments at all.
  # In sudoers, ':', '=' and ',' inside a command's arguments are escaped with a backslash.
  # deploy.sh checks each pin itself; the rule only keeps it to pins-shaped words.
  sudoers=$(
    cat <<RULES
# rollback-sentinel host kit: exactly the kit's scripts and arguments, as root, no password.
Defaults:$deploy_user env_reset, !setenv
$deploy_user ALL=(root) NOPASSWD: $kit/rollback.sh --list, $kit/rollback.sh --quick, \\
  $kit/rollback.sh ^--level [23] --target backup-[0-9]{8}-[0-9]{6}\$, \\
  $kit/validate_rollback.sh "", $app_dir/deploy/smoke_tests.sh "", $kit/backup.sh "", \\
  $kit/deploy.sh ^[A-Z][A-Z0-9_]*\\=[A-Za-z0-9 ._/@+\\:\\=-]*\$
RULES
  )
  if ((root)) && command -v visudo >/dev/null 2>&1; then
    printf '%s\n' "$sudoers" >/etc/sudoers.d/rollback-sentinel.tmp
    chmod 0440 /etc/sudoers.d/rollback-sentinel.tmp
    visudo -cf /etc/sudoers.d/rollback-sentinel.tmp >/dev/null || {
      rm -f /etc/sudoers.d/rollback-sentinel.tmp
      die "visudo refused the sudoers rule (sudo older than 1.9.10?)"
    }
    mv -f /etc/sudoers.d/rollback-sentinel.tmp /etc/sudoers.d/rollback-sentinel
    echo "install.sh: sudoers rule in /etc/sudoers.d/rollback-sentinel"
  else
    printf 'install.sh: put this into /etc/sudoers.d/rollback-sentinel (visudo -f):\n%s\n' "$sudoers"
  fi
fi

cat <<EOT
install.sh: done. In ~${deploy_user:-deploy}/.ssh/authorized_keys of the deploy user, prefix the action's key:
command="$gate_path $gate_opts",restrict ssh-ed25519 AAAA... rollback-sentinel
EOT
