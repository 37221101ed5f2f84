# shellcheck shell=bash
# Sourced by stack.sh in secure mode: what each principal may do on one deployment, as the ACL plan that
# ApplyAcls.java reads (principal, resource type, pattern type, resource name, operations). Nothing is
# allowed that is not listed (allow.everyone.if.no.acl.found=false); `admin` is the super user.
#   orchestrator: provisions the deployment's topics, reads commands, writes transitions, tasks, dead
#                 letters, audit, keys and settings in transactions (transactional ids
#                 `<group>.<topic>.<partition>`), writes commands (due timers, and commands forwarded to the
#                 partition that owns them), and restores from transitions, keys and settings with throwaway
#                 groups `<group>.…`. It alone writes the definitions catalogue, at start, with the audit
#                 record of each publication (transactional id `<group>.<prefix>.definitions`).
#                 It reads worker heartbeats from health and writes what changed as health commands.
#   worker:       reads tasks and keys, writes commands (task results) and its heartbeats to health
#   gateway:      writes commands (start, signal, cancel, admin acts), reads transitions, audit, keys,
#                 settings and definitions (its workflows come from the catalogue; it chooses a new
#                 instance's version as the orchestrator does)
#   The worker and the gateway read keys, audit and definitions with throwaway groups `<group>.…` they delete
#   when done; the CLI runs as the gateway, with throwaway groups `statewright-cli-<uuid>`.

acl_plan() { # topic prefix, orchestrator group, worker group, gateway projection group
  local p=$1 orchestrator_group=$2 worker_group=$3 gateway_group=$4
  cat <<EOF
orchestrator  TOPIC             PREFIXED  $p.                     CREATE,DESCRIBE,DESCRIBE_CONFIGS,ALTER_CONFIGS
orchestrator  TOPIC             LITERAL   $p.commands             READ,WRITE
orchestrator  TOPIC             LITERAL   $p.settings             READ,WRITE
orchestrator  TOPIC             LITERAL   $p.transitions          READ,WRITE
orchestrator  TOPIC             LITERAL   $p.tasks                READ,WRITE
orchestrator  TOPIC             LITERAL   $p.dlq                  READ,WRITE
orchestrator  TOPIC             LITERAL   $p.audit                READ,WRITE
orchestrator  TOPIC             LITERAL   $p.keys                 READ,WRITE
orchestrator  TOPIC             LITERAL   $p.definitions          READ,WRITE
orchestrator  TOPIC             LITERAL   $p.health               READ
orchestrator  GROUP             PREFIXED  $orchestrator_group     READ
orchestrator  TRANSACTIONAL_ID  PREFIXED  $orchestrator_group.    WRITE,DESCRIBE
orchestrator  CLUSTER           LITERAL   kafka-cluster           IDEMPOTENT_WRITE
worker        TOPIC             LITERAL   $p.tasks                READ
worker        TOPIC             LITERAL   $p.keys                 READ
worker        TOPIC             LITERAL   $p.commands             WRITE
worker        TOPIC             LITERAL   $p.health               WRITE
worker        GROUP             PREFIXED  $worker_group           READ,DELETE
gateway       TOPIC             LITERAL   $p.commands             WRITE
gateway       TOPIC             LITERAL   $p.transitions          READ
gateway       TOPIC             LITERAL   $p.audit                READ
gateway       TOPIC             LITERAL   $p.keys                 READ
gateway       TOPIC             LITERAL   $p.settings             READ
gateway       TOPIC             LITERAL   $p.definitions          READ
gateway       GROUP             PREFIXED  $gateway_group          READ,DELETE
gateway       GROUP             PREFIXED  statewright-cli-        READ,DELETE
EOF
}
