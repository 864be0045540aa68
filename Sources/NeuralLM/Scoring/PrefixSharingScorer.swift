/// How much computation prefix sharing saved.
public struct PrefixSharingStatistics: Sendable, Equatable {
    /// Positions the transformer computed (distinct prefixes).
    public var computedPositions: Int
    /// Positions the plain batched path would compute (Σ (length + 1) with BOS).
    public var totalPositions: Int
    /// Batched forward calls (trie depth).
    public var waves: Int
}

/// Sentence scoring that computes each distinct prefix of a set of hypotheses once.
extension GPT2Model {
    /// Sentence log-probabilities (same definition as `sentenceLogProbabilities`) computed over a
    /// prefix trie of the BOS-framed inputs.
    ///
    /// Trie nodes are processed in waves by depth; each wave is one packed batch whose segments
    /// continue from their parent's key/value cache (copied on branch). A node's last position
    /// is followed by several tokens (each child's first token, EOS where a hypothesis ends), and
    /// its log-softmax is evaluated once for all of them.
    ///
    /// - Parameter adapters: optional adapter name per sentence (see
    ///   `sentenceLogProbabilities(_:adapters:)`); prefixes are shared only between sentences
    ///   scored with the same adapter.
    public func sentenceLogProbabilitiesSharingPrefixes(
        _ sentences: [[Int]], adapters: [String?]? = nil
    ) throws -> (scores: [Float], statistics: PrefixSharingStatistics) {
        let inputs = sentences.map { [config.bosTokenId] + $0 }
        try validate(sequences: inputs)
        let groupNames = try adapterGroups(adapters, count: sentences.count)
        if inputs.isEmpty {
            return ([], PrefixSharingStatistics(computedPositions: 0, totalPositions: 0, waves: 0))
        }
        let trie = PrefixTrie(sequences: inputs, groups: groupNames?.groups)
        let nodes = trie.nodes
        var caches = [KeyValueCache?](repeating: nil, count: nodes.count)
        // Per node: Σ log p over inner transitions, and log p of each follower of the last token.
        var innerSum = [Float](repeating: 0, count: nodes.count)
        var boundary = [[Int: Float]](repeating: [:], count: nodes.count)
        let waves = trie.waves
        for wave in waves {
            let past = wave.map { nodes[$0].parent.flatMap { caches[$0] } }
            var rng: SeededGenerator? = nil
            let keepCaches = wave.contains { !nodes[$0].children.isEmpty }
            var routing: AdapterRouting? = nil
            if let groupNames {
                var row = 0
                var assignments: [(rows: Range<Int>, adapter: String)] = []
                for index in wave {
                    let length = nodes[index].tokens.count
                    if let name = groupNames.names[nodes[index].group] {
                        assignments.append((row..<(row + length), name))
                    }
                    row += length
                }
                routing = AdapterRouting(assignments: assignments)
            }
            let output = trunk(
                sequences: wave.map { nodes[$0].tokens }, past: past, returnPresents: keepCaches,
                dropout: &rng,
                routing: routing)
            var targets: [[Int]] = []
            for index in wave {
                let node = nodes[index]
                for position in 0..<(node.tokens.count - 1) { targets.append([node.tokens[position + 1]]) }
                var followers = node.children.map { nodes[$0].tokens[0] }
                if !node.endingSequences.isEmpty { followers.append(config.eosTokenId) }
                targets.append(followers)
            }
            let values = targetLogProbabilities(hidden: output.hidden, targets: targets)
            var row = 0
            for (slot, index) in wave.enumerated() {
                let node = nodes[index]
                innerSum[index] = values[row..<(row + node.tokens.count - 1)].reduce(0) { $0 + $1[0] }
                row += node.tokens.count - 1
                for (follower, value) in zip(targets[row], values[row]) { boundary[index][follower] = value }
                row += 1
                if !node.children.isEmpty { caches[index] = output.presents[slot] }
            }
            // Parents' caches are no longer needed once all their children are computed.
            for index in wave {
                if let parent = nodes[index].parent { caches[parent] = nil }
            }
        }
        var scores: [Float] = []
        for end in trie.endNode {
            var total = innerSum[end] + boundary[end][config.eosTokenId]!
            var child = end
            while let parent = nodes[child].parent {
                total += innerSum[parent] + boundary[parent][nodes[child].tokens[0]]!
                child = parent
            }
            scores.append(total)
        }
        let statistics = PrefixSharingStatistics(
            computedPositions: trie.computedPositions, totalPositions: inputs.reduce(0) { $0 + $1.count },
            waves: waves.count)
        return (scores, statistics)
    }
}
