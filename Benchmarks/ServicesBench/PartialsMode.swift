import ArgumentParser

/// Which partial lists go before each final list in the after-partials figures (`--partials`).
enum PartialsMode: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// The simulator's streaming partials, what `nbest-simulator run --partials` and the demo send
    /// (`NBestSimulator.stream`): one list after each reference word but the last, so the last
    /// partial covers all but the final word and may revise the newest word.
    case live
    /// Every final hypothesis cut to its first third and two thirds of its words: two partials
    /// that leave a third of each hypothesis new to the final (the workload before live partials,
    /// kept to compare with earlier figures).
    case thirds
}
