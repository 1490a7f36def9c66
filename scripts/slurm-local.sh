#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the Slurm executor's tests
# and bench (needs root and Debian's slurm-wlm and munge packages):
#   scripts/slurm-local.sh install   apt-get install slurm-wlm munge
#   scripts/slurm-local.sh start     write slurm.conf, start munged, slurmctld, slurmd; wait until the node is idle
#   scripts/slurm-local.sh stop      stop what start started
#   scripts/slurm-local.sh status
# The config goes to /etc/slurm/slurm.conf (where sbatch looks) unless a
# slurm.conf not written by this script is already there, which is left alone.
set -euo pipefail

STATE=/var/lib/imlab-slurm
CONF=/etc/slurm/slurm.conf
MARK='# written by imitation-lab scripts/slurm-local.sh'

install_packages() {
  if command -v sbatch >/dev/null 2>&1 && command -v slurmctld >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then return; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
}

write_conf() {
  if [ -f "$CONF" ] && ! grep -qF "$MARK" "$CONF"; then
    echo "slurm-local: $CONF exists and was not written by this script; using it as it is" >&2
    return
  fi
  local host node
  host=$(hostname)
  # slurmd -C prints this machine's NodeName/CPUs/sockets/cores/RealMemory line as Slurm sees it.
  node=$(slurmd -C | head -n 1)
  mkdir -p "$STATE/ctld" "$STATE/d" "$STATE/log" /etc/slurm
  cat >"$CONF" <<EOF
$MARK
ClusterName=imlab
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Without a default, a job that gives no --mem takes the whole node's memory and jobs run one at a time.
DefMemPerCPU=1024
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# Memory is enforced by polling (no cgroups in a container): a job step over its --mem is killed and the job ends OUT_OF_MEMORY.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherParams=OverMemoryKill
JobAcctGatherFrequency=task=1
AccountingStorageType=accounting_storage/none
# Seconds between SIGTERM and SIGKILL when a job is cancelled or over its time limit.
KillWait=10
# Finished jobs stay visible to squeue for this many seconds.
MinJobAge=300
SlurmdTimeout=60
# A job in partition urgent preempts (cancels) jobs of debug it needs the CPUs of: the preemption tests.
PreemptType=preempt/partition_prio
PreemptMode=CANCEL
$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=urgent Nodes=ALL MaxTime=INFINITE State=UP PriorityTier=2
EOF
}

start() {
  install_packages
  write_conf
  mkdir -p /run/munge
  chown munge:munge /run/munge
  if [ ! -s /etc/munge/munge.key ]; then
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
  fi
  if ! pgrep -x munged >/dev/null; then runuser -u munge -- /usr/sbin/munged; fi
  if [ ! -f "$STATE/slurmctld.pid" ] || ! kill -0 "$(cat "$STATE/slurmctld.pid")" 2>/dev/null; then slurmctld; fi
  if [ ! -f "$STATE/slurmd.pid" ] || ! kill -0 "$(cat "$STATE/slurmd.pid")" 2>/dev/null; then slurmd; fi
  for _ in $(seq 1 60); do
    local state
    state=$(sinfo --noheader --format=%T 2>/dev/null | head -n 1 || true)
    case "$state" in
      idle* | mixed* | allocated*) echo "slurm-local: node $(hostname) is $state"; return 0 ;;
      down* | drain*) scontrol update nodename="$(hostname)" state=resume >/dev/null 2>&1 || true ;;
    esac
    sleep 1
  done
  echo "slurm-local: the node did not become idle; see $STATE/log" >&2
  sinfo >&2 || true
  return 1
}

stop_pidfile() {
  local f=$1
  [ -f "$f" ] || return 0
  local pid
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$f"
}

stop() {
  scancel --user="$(id -un)" 2>/dev/null || true
  stop_pidfile "$STATE/slurmd.pid"
  stop_pidfile "$STATE/slurmctld.pid"
  if [ -f /run/munge/munged.pid ]; then stop_pidfile /run/munge/munged.pid; fi
}

case "${1:-}" in
  install) install_packages ;;
  start) start ;;
  stop) stop ;;
  status) sinfo && squeue ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
