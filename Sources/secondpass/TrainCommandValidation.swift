import ArgumentParser

/// Counts `train` checks before it loads the base model, so a zero or negative count fails at
/// once with the flag's name instead of deep inside a training run.
///
/// Kept apart from `TrainCommand.swift` because the strategy settings there change often.
extension TrainCommand {
    func validate() throws {
        let positive: [(String, Int)] = [
            ("--rank", rank), ("--steps", steps), ("--batch-size", batchSize), ("--threads", threads),
            ("--eval-every", evalEvery), ("--checkpoint-every", checkpointEvery),
        ]
        for (flag, value) in positive where value < 1 {
            throw ValidationError("\(flag) must be at least 1, got \(value)")
        }
        for (flag, value) in [("--lr-warmup", lrWarmup), ("--clm-steps", clmSteps)] where value < 0 {
            throw ValidationError("\(flag) must not be negative, got \(value)")
        }
    }
}
