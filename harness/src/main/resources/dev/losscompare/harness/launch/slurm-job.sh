#!/bin/bash
# loss_compare's Slurm job, the same for every run: its command, environment and task count come
# from NUL-separated files in the folder given as $1 (written by the harness), so no argument is
# ever quoted into a shell line. The ranks are srun's tasks. Each task also gets Slurm's variables
# as torchrun's (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR = the node list's
# first host, MASTER_PORT = 15000 + job id mod 17000, the trainer's SlurmTasks rule), so a
# torchtitan or command trainer's processes find their rank as under torchrun; values the run's
# environment sets win.
set -u
job_dir=$1
while IFS= read -r -d '' name; do unset "$name"; done <"$job_dir/unset"
while IFS= read -r -d '' pair; do export "${pair?}"; done <"$job_dir/env"
mapfile -d '' -t argv <"$job_dir/argv"
: "${MASTER_ADDR:=$(scontrol show hostnames "$SLURM_JOB_NODELIST" | head -n 1)}"
: "${MASTER_PORT:=$((15000 + SLURM_JOB_ID % 17000))}"
export MASTER_ADDR MASTER_PORT
# The per-task part is this fixed line; the run's arguments pass through "$@" untouched.
exec srun --kill-on-bad-exit=1 --ntasks="$SLURM_NTASKS" /bin/bash -c \
  'export RANK=$SLURM_PROCID LOCAL_RANK=$SLURM_LOCALID WORLD_SIZE=$SLURM_NTASKS; exec "$@"' \
  rank "${argv[@]}"
