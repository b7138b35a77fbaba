#!/usr/bin/env bash
# gate.sh: the forced command of the deploy user's key. sshd runs it for every login with the
# client's request in SSH_ORIGINAL_COMMAND; it lets through exactly the commands rollback-sentinel
# and the kit's deploy send, and refuses everything else (exit 126) without ever handing the text
# to a shell. Installed as /usr/local/sbin/rollback-sentinel-gate; in authorized_keys:
#
#   command="/usr/local/sbin/rollback-sentinel-gate --app-dir /srv/app",restrict ssh-ed25519 AAAA…
#
# Options (fixed by whoever writes authorized_keys, never by the client):
#   --app-dir DIR          the action's app-dir (required)
#   --sudo                 run the kit's scripts as `sudo -n /abs/script` (docs/deploy-user.md)
#   --rollback-script P    the action's rollback-script, relative to app-dir (default below)
#   --validate-script P    the action's validate-script
#   --smoke-script P       the action's smoke-test-script
#   --allow-file FILE      extra exact commands (host checks, restart-command): one per line, each
#                          let through only as `bash -c '<that line>'`, as the action sends it
#
# The accepted requests, as the action formats them (src/adapters/shell.ts formatRemoteCommand):
#   [cd <app-dir> && ]timeout -k 5 <secs> bash <rollback> --list | --quick
#   [cd <app-dir> && ]timeout -k 5 <secs> bash <rollback> --level 2|3 --target backup-YYYYMMDD-HHMMSS
#   [cd <app-dir> && ]timeout -k 5 <secs> bash -c '<test -f|test -x|bash> <validate or smoke>'
#   [cd <app-dir> && ]timeout -k 5 <secs> bash -c true                    (the connection check)
#   [cd <app-dir> && ]timeout -k 5 <secs> bash -c 'command -v <name>' | 'docker compose version'
#   [cd <app-dir> && ]timeout -k 5 <secs> bash deploy/rollback/backup.sh
#   [cd <app-dir> && ]timeout -k 5 <secs> bash deploy/rollback/deploy.sh KEY=IMAGE...
set -uo pipefail

readonly EX_REFUSED=126
app_dir=''
use_sudo=0
rollback='deploy/rollback/rollback.sh'
validate='deploy/rollback/validate_rollback.sh'
smoke='deploy/smoke_tests.sh'
allow_file=''

while (($#)); do
  case $1 in
    --app-dir) app_dir=${2:-} && shift ;;
    --sudo) use_sudo=1 ;;
    --rollback-script) rollback=${2:-} && shift ;;
    --validate-script) validate=${2:-} && shift ;;
    --smoke-script) smoke=${2:-} && shift ;;
    --allow-file) allow_file=${2:-} && shift ;;
    *)
      echo "rollback-sentinel-gate: unknown option $1 (in authorized_keys)" >&2
      exit "$EX_REFUSED"
      ;;
  esac
  shift
done

refuse() {
  local why=$1 shown
  # The request is the client's text: shown escaped and cut, never interpreted.
  shown=$(printf '%q' "${SSH_ORIGINAL_COMMAND:-}" | cut -c1-300)
  echo "rollback-sentinel-gate: refused ($why): $shown" >&2
  if command -v logger >/dev/null 2>&1; then
    logger -t rollback-sentinel-gate -- "refused ($why) from ${SSH_CLIENT:-?}: $shown" 2>/dev/null || true
  fi
  exit "$EX_REFUSED"
}

[[ -n $app_dir ]] || refuse 'the gate has no --app-dir in authorized_keys'
app_dir=${app_dir%/}

# The action's quoting (shellQuote): safe words as they are, anything else in single quotes.
q() {
  local s=$1
  if [[ -z $s ]]; then
    printf "''"
  elif [[ $s =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf '%s' "$s"
  else
    printf "'%s'" "${s//\'/\'\\\'\'}"
  fi
}

# The forms of `cd <app-dir>` the action may send for this directory (quoteRemoteDir).
dir_forms() {
  q "$app_dir"
  echo
  if [[ -n ${HOME:-} && $app_dir == "$HOME" ]]; then
    printf '~\n~/\n'
  elif [[ -n ${HOME:-} && $app_dir == "$HOME"/* ]]; then
    # shellcheck disable=SC2088 # a literal ~, as the action sends it
    printf '~/%s\n' "$(q "${app_dir#"$HOME"/}")"
  fi
}

cmd=${SSH_ORIGINAL_COMMAND-}
[[ -n $cmd ]] || refuse 'no command: interactive logins are not allowed'
[[ $cmd != *[[:cntrl:]]* ]] || refuse 'control characters'
[[ ${#cmd} -le 2000 ]] || refuse 'too long'

if [[ $cmd == 'cd '* ]]; then
  # Compared as text with each form the action could send: never parsed, never unquoted.
  rest=''
  while IFS= read -r form; do
    if [[ $cmd == "cd $form && "* ]]; then rest=${cmd#"cd $form && "}; fi
  done < <(dir_forms)
  [[ -n $rest ]] || refuse "not a cd into the app directory $app_dir"
  cmd=$rest
elif [[ $app_dir != "${HOME:-}" ]]; then
  refuse "no cd into the app directory $app_dir"
fi

[[ $cmd =~ ^timeout\ -k\ 5\ ([1-9][0-9]{0,4})\ (.*)$ ]] || refuse 'not under timeout -k 5 <seconds>'
secs=${BASH_REMATCH[1]}
body=${BASH_REMATCH[2]}

# What to run: a kit script with its arguments, or a fixed command.
script=''
args=()
fixed=()
pin='[A-Z][A-Z0-9_]*=[A-Za-z0-9][A-Za-z0-9._/:@+-]*'
backup_script='deploy/rollback/backup.sh'
deploy_script='deploy/rollback/deploy.sh'
if [[ $body == "bash $(q "$rollback") --list" ]]; then
  script=$rollback args=(--list)
elif [[ $body == "bash $(q "$rollback") --quick" ]]; then
  script=$rollback args=(--quick)
elif [[ $body =~ ^bash\ (.+)\ --level\ ([23])\ --target\ (backup-[0-9]{8}-[0-9]{6})$ && ${BASH_REMATCH[1]} == "$(q "$rollback")" ]]; then
  script=$rollback args=(--level "${BASH_REMATCH[2]}" --target "${BASH_REMATCH[3]}")
elif [[ $body == "bash -c $(q "bash $(q "$validate")")" ]]; then
  script=$validate
elif [[ $body == "bash -c $(q "bash $(q "$smoke")")" ]]; then
  script=$smoke
elif [[ $body == "bash $backup_script" ]]; then
  script=$backup_script
elif [[ $body =~ ^bash\ deploy/rollback/deploy\.sh((\ $pin)+)$ ]]; then
  script=$deploy_script
  read -r -a args <<<"${BASH_REMATCH[1]}"
elif [[ $body == 'bash -c true' ]]; then
  fixed=(true)
elif [[ $body == 'bash -c '\''docker compose version'\''' ]]; then
  fixed=(docker compose version)
elif [[ $body =~ ^bash\ -c\ \'command\ -v\ ([a-z][a-z0-9._-]{0,40})\'$ ]]; then
  # shellcheck disable=SC2016 # $1 is expanded by that bash, as an argument, never as code
  fixed=(bash -c 'command -v "$1"' sh "${BASH_REMATCH[1]}")
else
  for path in "$rollback" "$validate" "$smoke"; do
    for test in -f -x; do
      if [[ $body == "bash -c $(q "test $test $(q "$path")")" ]]; then fixed=(test "$test" "$path"); fi
    done
  done
  if ((${#fixed[@]} == 0)) && [[ -n $allow_file && -f $allow_file ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      [[ -z $line || $line == \#* ]] && continue
      if [[ $body == "bash -c $(q "$line")" ]]; then fixed=(bash -c "$line"); fi
    done <"$allow_file"
  fi
fi

if [[ -z $script && ${#fixed[@]} -eq 0 ]]; then refuse 'not one of the allowed commands'; fi

cd "$app_dir" || refuse "cannot enter $app_dir"
if [[ -n $script ]]; then
  if ((use_sudo)); then
    exec timeout -k 5 "$secs" sudo -n -- "$app_dir/$script" "${args[@]}"
  fi
  exec timeout -k 5 "$secs" bash -- "$script" "${args[@]}"
fi
exec timeout -k 5 "$secs" "${fixed[@]}"
