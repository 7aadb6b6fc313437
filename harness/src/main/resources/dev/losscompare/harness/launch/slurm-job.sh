#!/bin/bash
# loss_compare's Slurm job, the same for every run: its command, environment and task count come
# from NUL-separated files in the folder given as $1 (written by the harness), so no argument is
# ever quoted into a shell line. The ranks are srun's tasks (the trainer reads Slurm's variables).
set -u
job_dir=$1
while IFS= read -r -d '' name; do unset "$name"; done <"$job_dir/unset"
while IFS= read -r -d '' pair; do export "${pair?}"; done <"$job_dir/env"
mapfile -d '' -t argv <"$job_dir/argv"
exec srun --kill-on-bad-exit=1 --ntasks="$SLURM_NTASKS" "${argv[@]}"
