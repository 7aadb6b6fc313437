package dev.losscompare.harness.adapter;

import java.util.List;

/**
 * How a command trainer writes and resumes training checkpoints, as argument templates with
 * {@code {checkpoint_folder} {checkpoint_interval} {resume_step}} (and every run placeholder):
 * {@code save} is appended to a run that writes checkpoints, {@code resume} also to one that
 * resumes; {@code loadSeed} replaces load_seed in those runs (null: load_seed as it is).
 * Not part of a trainer's identity: plain runs are the same runs with or without them.
 */
public record CheckpointTemplates(List<String> save, List<String> resume, List<String> loadSeed) {
    public static final CheckpointTemplates NONE = new CheckpointTemplates(List.of(), List.of(), null);

    public CheckpointTemplates {
        save = List.copyOf(save);
        resume = List.copyOf(resume);
        loadSeed = loadSeed == null ? null : List.copyOf(loadSeed);
    }

    /**
     * torchtitan at 6a3a9da9: --checkpoint.enable --checkpoint.folder --checkpoint.interval write
     * {folder}/step-N (components/checkpoint.py:669-671, :778-791; an absolute folder is kept by
     * os.path.join, :243), keep_latest_k=0 keeps them all (job_config.py:528-534), load_step picks
     * the one to resume (checkpoint.py:599-608). The seed is loaded without --checkpoint.load_only,
     * which would stop every save (checkpoint.py:779-780); torchtitan ignores initial_load_path once
     * the folder holds a checkpoint (checkpoint.py:588-593), so the resumed run continues from it.
     */
    public static CheckpointTemplates torchtitan() {
        return new CheckpointTemplates(
                List.of("--checkpoint.enable", "--checkpoint.folder={checkpoint_folder}",
                        "--checkpoint.interval={checkpoint_interval}", "--checkpoint.keep_latest_k=0"),
                List.of("--checkpoint.load_step={resume_step}"),
                List.of("--checkpoint.initial_load_path={seed_checkpoint}/step-0"));
    }

    public boolean supported() {
        return !save.isEmpty();
    }
}
