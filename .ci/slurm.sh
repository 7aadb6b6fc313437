#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the tests and CI (issue 23).
#
#   .ci/slurm.sh start DIR   writes DIR/slurm.conf for this machine, a munge key, starts munged,
#                            slurmctld and slurmd (as root) with every state, log and socket file
#                            in DIR, and waits until the node is idle; then
#                            `export SLURM_CONF=DIR/slurm.conf` points srun/sbatch/squeue at it.
#   .ci/slurm.sh stop DIR    cancels what is left in its queue and stops the three daemons.
#
# No accounting database: job states come from squeue/scontrol while a job is known to
# slurmctld, and from the job-completion log DIR/jobcomp.log after (JobCompType=jobcomp/filetxt).
# A start that cannot bring the node to idle exits 1 with the reason and the daemons' last lines.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
(($# == 2)) || usage
action=$1
dir=$2

fail() {
  echo "slurm: $*" >&2
  for log in "$dir"/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
    [[ -s $log ]] && { echo "--- last lines of $log:" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}

# A port nothing listens on, from $1 upwards (another engineer's cluster may hold the default).
free_port() {
  local port=$1 used
  used=$(ss -Htln | awk '{print $4}' | sed 's/.*://' | sort -u)
  while grep -qx "$port" <<<"$used"; do port=$((port + 1)); done
  echo "$port"
}

stop_pidfile() {
  local file=$1 pid
  [[ -s $file ]] || return 0
  pid=$(<"$file")
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

start() {
  [[ $(id -u) == 0 ]] || fail "must run as root (slurmd starts jobs as their users; munged and the daemons write their own state)"
  for tool in munged mungekey slurmctld slurmd sinfo srun sbatch squeue scontrol ss; do
    command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (Debian: apt-get install slurmctld slurmd slurm-client munge)"
  done
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chmod 0700 "$dir"
  mkdir -p "$dir/spool" "$dir/state" "$dir/munge"
  chmod 0700 "$dir/munge"

  mungekey --create --keyfile="$dir/munge/munge.key" --force >/dev/null 2>&1 \
    || dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none
  chmod 0600 "$dir/munge/munge.key"
  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/munged.log" \
    --seed-file="$dir/munge/munged.seed" || fail "munged did not start"

  # The node as slurmd sees this machine (CPUs, sockets, cores, threads, memory).
  local node_line node ctld_port slurmd_port
  node_line=$(slurmd -C | head -n 1)
  node=$(hostname -s)
  ctld_port=$(free_port 6817)
  slurmd_port=$(free_port $((ctld_port + 1)))
  cat >"$dir/slurm.conf" <<EOF
# written by .ci/slurm.sh for a one-node test cluster; every file lives in this folder
ClusterName=losscompare
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool/%n
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MinJobAge=600
KillWait=5
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=30
$(sed 's/^NodeName=[^ ]*/NodeName='"$node"' NodeAddr=127.0.0.1/' <<<"$node_line") State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
  slurmd -f "$SLURM_CONF" || fail "slurmd did not start"

  local state=""
  for _ in $(seq 120); do
    state=$(sinfo -h -n "$node" -o %t 2>/dev/null || true)
    [[ $state == idle ]] && break
    sleep 0.5
  done
  [[ $state == idle ]] || fail "node $node is '${state:-unreachable}' after 60 s, not idle"
  echo "slurm: node $node idle ($(sed 's/^NodeName=[^ ]* //' <<<"$node_line")); export SLURM_CONF=$SLURM_CONF"
}

stop() {
  [[ -d $dir ]] || return 0
  if [[ -s $dir/slurm.conf ]]; then
    SLURM_CONF="$dir/slurm.conf" scancel --quiet --user="$(id -un)" 2>/dev/null || true
  fi
  stop_pidfile "$dir/slurmd.pid"
  stop_pidfile "$dir/slurmctld.pid"
  stop_pidfile "$dir/munge/munged.pid"
  echo "slurm: stopped (state and logs in $dir)"
}

case $action in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
