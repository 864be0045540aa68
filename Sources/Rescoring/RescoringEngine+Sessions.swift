import NBest
import NeuralLM

/// The engine's LM pass, with or without a session cache.
extension RescoringEngine {
    /// Sentence log-probabilities of every prepared job's hypotheses, in order, from one
    /// prefix-shared pass.
    ///
    /// Jobs of an open session continue from their utterance's cached states of the same
    /// `stateGeneration`; a partial list keeps its hypotheses' states, a final list frees its
    /// utterance's states once scored.
    func languageModelScores(
        _ prepared: [PreparedJob], budget: WorkBudget, sessions: SessionStateCache?, stateGeneration: UInt64
    ) throws -> [Float] {
        let sentences = prepared.flatMap(\.sentences)
        guard !sentences.isEmpty else { return [] }
        let adapters = prepared.flatMap { Array(repeating: $0.job.adapter, count: $0.sentences.count) }
        let routed = adapters.contains { $0 != nil } ? adapters : nil
        let checkpoint = { try budget.check() }
        let sessionOf = prepared.map { entry in
            entry.job.session.flatMap { session in sessions?.isOpen(session) == true ? session : nil }
        }
        guard let sessions, sessionOf.contains(where: { $0 != nil }) else {
            return try model.sentenceLogProbabilitiesSharingPrefixes(
                sentences, adapters: routed, checkpoint: checkpoint
            ).scores
        }
        var uses: [PrefixCacheUse<SessionUtterance>?] = []
        for (entry, session) in zip(prepared, sessionOf) {
            let use = session.map {
                PrefixCacheUse(
                    owner: SessionUtterance(
                        session: $0.id, utteranceID: entry.list.utteranceID, generation: stateGeneration),
                    keep: entry.list.kind == .partial)
            }
            uses += Array(repeating: use, count: entry.sentences.count)
        }
        let scores = try model.sentenceLogProbabilitiesSharingPrefixes(
            sentences, adapters: routed, cache: sessions.states, uses: uses, checkpoint: checkpoint
        ).scores
        for (entry, session) in zip(prepared, sessionOf) where entry.list.kind == .final {
            if let session {
                sessions.finish(
                    utteranceID: entry.list.utteranceID, adapter: entry.job.adapter,
                    generation: stateGeneration, in: session)
            }
        }
        sessions.dropStatesOfClosedSessions(Set(sessionOf.compactMap { $0?.id }))
        return scores
    }
}
