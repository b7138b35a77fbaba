#!/usr/bin/env bats
# deploy.sh: records the pins it replaces (Level 1's target) and starts the release with them.
load helpers

setup() { setup_kit installed; }

@test "deploy pins the release and starts it with -p, --env-file and up --wait" {
  kit deploy.sh APP_IMAGE=registry.example.com/app:v1
  [ "$status" -eq 0 ]
  [ "$(cat .deploy/current.env)" = "APP_IMAGE=registry.example.com/app:v1" ]
  [ ! -e .deploy/previous.env ]
  grep -qxF "docker compose -p demo --project-directory $APP -f compose.yaml --env-file $APP/.deploy/current.env up -d --no-build --pull missing --remove-orphans --wait --wait-timeout 120 " "$DOCKER_LOG"
}

@test "the next deploy keeps the replaced pins in previous.env and a keeper container for them" {
  kit deploy.sh APP_IMAGE=registry.example.com/app:v1
  kit deploy.sh APP_IMAGE=registry.example.com/app:v2
  [ "$status" -eq 0 ]
  [ "$(cat .deploy/previous.env)" = "APP_IMAGE=registry.example.com/app:v1" ]
  [ "$(cat .deploy/current.env)" = "APP_IMAGE=registry.example.com/app:v2" ]
  grep -q "docker create --name demo-rollback-keep-1 --label rollback-sentinel.keep=demo registry.example.com/app:v1" "$DOCKER_LOG"
  [ "$(wc -l <.deploy/releases.log)" -eq 2 ]
}

@test "redeploying the same pins does not overwrite previous.env" {
  kit deploy.sh APP_IMAGE=registry.example.com/app:v1
  kit deploy.sh APP_IMAGE=registry.example.com/app:v2
  kit deploy.sh APP_IMAGE=registry.example.com/app:v2
  [ "$(cat .deploy/previous.env)" = "APP_IMAGE=registry.example.com/app:v1" ]
}

@test "deploy refuses mutable, malformed and dangerous pins before touching docker (exit 2)" {
  for pin in APP_IMAGE=registry.example.com/app:latest APP_IMAGE=app 'APP_IMAGE=x;id' \
    'APP_IMAGE=$(id)' PATH=/tmp/evil:1 COMPOSE_FILE=x:1 lower=x:1 'APP_IMAGE=a b'; do
    kit deploy.sh "$pin"
    [ "$status" -eq 2 ] || { echo "accepted $pin"; false; }
  done
  kit deploy.sh APP_IMAGE=registry.example.com/app:v1 APP_IMAGE=registry.example.com/app:v2
  [ "$status" -eq 2 ]
  [ ! -s "$DOCKER_LOG" ]
}

@test "a failed up --wait is exit 5 and keeps the previous pins for --quick" {
  kit deploy.sh APP_IMAGE=registry.example.com/app:v1
  STUB_UP_RC=1 kit deploy.sh APP_IMAGE=registry.example.com/app:v2
  [ "$status" -eq 5 ]
  [[ $output == *"rollback.sh --quick"* ]]
  [ "$(cat .deploy/previous.env)" = "APP_IMAGE=registry.example.com/app:v1" ]
}

@test "no Compose v2 is exit 127, never a fall back to docker-compose" {
  STUB_NO_COMPOSE=1 kit -127 deploy.sh APP_IMAGE=registry.example.com/app:v1
  [ "$status" -eq 127 ]
  [[ $output == *"Compose v2"* ]]
  ! grep -q docker-compose "$DOCKER_LOG"
  [ ! -e .deploy/current.env ]
}
