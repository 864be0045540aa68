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
    /// A wide wave is split into batches of at most `maximumBatchRows` positions (whole nodes), so
    /// activations stay bounded and `checkpoint` runs often: a caller that gives up (cancelled
    /// request, passed deadline) stops within one batch.
    ///
    /// - Parameters:
    ///   - adapters: optional adapter name per sentence (see
    ///     `sentenceLogProbabilities(_:adapters:)`); prefixes are shared only between sentences
    ///     scored with the same adapter.
    ///   - checkpoint: called before every batch; whatever it throws ends the scoring and is
    ///     rethrown unchanged.
    public func sentenceLogProbabilitiesSharingPrefixes(
        _ sentences: [[Int]], adapters: [String?]? = nil, checkpoint: () throws -> Void = {}
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
        for batch in waves.flatMap({ Self.batches(of: $0, nodes: nodes) }) {
            try checkpoint()
            let past = batch.map { nodes[$0].parent.flatMap { caches[$0] } }
            var rng: SeededGenerator? = nil
            let keepCaches = batch.contains { !nodes[$0].children.isEmpty }
            var routing: AdapterRouting? = nil
            if let groupNames {
                var row = 0
                var assignments: [(rows: Range<Int>, adapter: String)] = []
                for index in batch {
                    let length = nodes[index].tokens.count
                    if let name = groupNames.names[nodes[index].group] {
                        assignments.append((row..<(row + length), name))
                    }
                    row += length
                }
                routing = AdapterRouting(assignments: assignments)
            }
            let output = trunk(
                sequences: batch.map { nodes[$0].tokens }, past: past, returnPresents: keepCaches,
                dropout: &rng,
                routing: routing)
            var targets: [[Int]] = []
            for index in batch {
                let node = nodes[index]
                for position in 0..<(node.tokens.count - 1) { targets.append([node.tokens[position + 1]]) }
                var followers = node.children.map { nodes[$0].tokens[0] }
                if !node.endingSequences.isEmpty { followers.append(config.eosTokenId) }
                targets.append(followers)
            }
            let values = targetLogProbabilities(hidden: output.hidden, targets: targets)
            var row = 0
            for (slot, index) in batch.enumerated() {
                let node = nodes[index]
                innerSum[index] = values[row..<(row + node.tokens.count - 1)].reduce(0) { $0 + $1[0] }
                row += node.tokens.count - 1
                for (follower, value) in zip(targets[row], values[row]) { boundary[index][follower] = value }
                row += 1
                if !node.children.isEmpty { caches[index] = output.presents[slot] }
            }
            // A parent's cache is no longer needed once its last child is computed (siblings are
            // adjacent in a wave, and a wave's batches keep its order).
            for index in batch {
                if let parent = nodes[index].parent, nodes[parent].children.last == index {
                    caches[parent] = nil
                }
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

    /// Positions per forward batch of the prefix-sharing scorer (as `headChunkRows`, large enough
    /// for the matrix products to run near the sgemm peak).
    static let maximumBatchRows = 1024

    /// A wave's nodes in order, cut into runs of at most `maximumBatchRows` positions (a longer
    /// node is a batch of its own); nodes of one wave are independent, so any cut is exact.
    static func batches(of wave: [Int], nodes: [PrefixTrie.Node]) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        var rows = 0
        for index in wave {
            let length = nodes[index].tokens.count
            if !current.isEmpty, rows + length > maximumBatchRows {
                result.append(current)
                current = []
                rows = 0
            }
            current.append(index)
            rows += length
        }
        if !current.isEmpty { result.append(current) }
        return result
    }
}
