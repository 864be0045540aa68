/// How much computation prefix sharing saved.
public struct PrefixSharingStatistics: Sendable, Equatable {
    /// Positions the transformer computed (distinct prefixes not continued from a cached state).
    public var computedPositions: Int
    /// Positions the plain batched path would compute (Σ (length + 1) with BOS).
    public var totalPositions: Int
    /// Batched forward calls (trie depth).
    public var waves: Int
    /// Positions of the cached states the call continued from (each distinct state counted once).
    public var reusedPositions: Int = 0
}

/// How one sentence of a cached scoring call uses a `PrefixStateCache`.
public struct PrefixCacheUse<Owner: Hashable & Sendable>: Sendable {
    /// The partition (with the sentence's adapter) whose states the sentence may continue from.
    public var owner: Owner
    /// Whether to keep the sentence's own state for later calls (e.g. a partial hypothesis the
    /// next partial or the final list will extend).
    public var keep: Bool

    public init(owner: Owner, keep: Bool) {
        self.owner = owner
        self.keep = keep
    }
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
        let result = try scoreSharingPrefixes(
            sentences, adapters: adapters, known: nil, keep: nil, checkpoint: checkpoint)
        return (result.scores, result.statistics)
    }

    /// Sentence log-probabilities as `sentenceLogProbabilitiesSharingPrefixes(_:adapters:checkpoint:)`,
    /// continuing each sentence from the longest prefix `cache` holds for its owner and adapter,
    /// and keeping the states of the sentences marked `keep`.
    ///
    /// A sentence whose whole input is cached costs one row of the output head; otherwise only
    /// its tokens after the cached prefix run through the transformer. Scores equal those of the
    /// uncached call bit for bit, whatever the cache holds: a kept position's values do not
    /// depend on the batch it was computed in (single-threaded OpenBLAS), and every score sums
    /// its transitions left to right, as the kept running log-probabilities do
    /// (`PartialReuseWorkTests`, `PartialStateReuseTests`). States
    /// are stored only when the whole call succeeds, so a call stopped by `checkpoint` leaves the
    /// cache as it was (apart from recency).
    ///
    /// - Parameters:
    ///   - uses: per sentence, its owner and whether to keep its state; `nil` for a sentence that
    ///     neither reads nor writes the cache.
    public func sentenceLogProbabilitiesSharingPrefixes<Owner>(
        _ sentences: [[Int]], adapters: [String?]? = nil, cache: PrefixStateCache<Owner>,
        uses: [PrefixCacheUse<Owner>?], checkpoint: () throws -> Void = {}
    ) throws -> (scores: [Float], statistics: PrefixSharingStatistics) {
        guard uses.count == sentences.count else {
            throw NeuralLMError(.invalidInput, "\(uses.count) cache uses for \(sentences.count) sentences")
        }
        let inputs = sentences.map { [config.bosTokenId] + $0 }
        try validate(sequences: inputs)
        _ = try adapterGroups(adapters, count: sentences.count)
        let known: [PrefixState?] = inputs.indices.map { index in
            uses[index].flatMap {
                cache.longestPrefix(of: inputs[index], owner: $0.owner, adapter: adapters?[index])
            }
        }
        let result = try scoreSharingPrefixes(
            sentences, adapters: adapters, known: known, keep: uses.map { $0?.keep ?? false },
            checkpoint: checkpoint)
        cache.recordComputed(result.statistics.computedPositions)
        var kept: [(state: PrefixState, tokens: [Int], owner: Owner, adapter: String?)] = []
        for (index, state) in result.kept.enumerated() {
            if let state, let use = uses[index] {
                kept.append((state, inputs[index], use.owner, adapters?[index]))
            }
        }
        if !kept.isEmpty { cache.store(kept) }
        return (result.scores, result.statistics)
    }

    /// The prefix-trie scorer, optionally continuing from known prefix states.
    ///
    /// - Parameters:
    ///   - known: per sentence, the state of a prefix of its BOS-framed input (at most the whole
    ///     input) to continue from, or `nil`.
    ///   - keep: per sentence, whether to return the state after its whole input.
    /// - Returns: scores, statistics, and per sentence the state kept (`nil` unless `keep` asked
    ///   for it and the input was not already wholly known).
    func scoreSharingPrefixes(
        _ sentences: [[Int]], adapters: [String?]?, known: [PrefixState?]?, keep: [Bool]?,
        checkpoint: () throws -> Void
    ) throws -> (scores: [Float], statistics: PrefixSharingStatistics, kept: [PrefixState?]) {
        let inputs = sentences.map { [config.bosTokenId] + $0 }
        try validate(sequences: inputs)
        let groupNames = try adapterGroups(adapters, count: sentences.count)
        let adapterGroup = { (sentence: Int) in groupNames?.groups[sentence] ?? 0 }
        if inputs.isEmpty {
            return ([], PrefixSharingStatistics(computedPositions: 0, totalPositions: 0, waves: 0), [])
        }
        // Starts: where a sentence's computation begins (adapter group + known prefix). Sentences
        // continue from a start's state; only sentences of one start share trie nodes.
        struct StartKey: Hashable {
            var adapterGroup: Int
            var prefix: [Int]
        }
        var startIndex: [StartKey: Int] = [:]
        var starts: [(adapterGroup: Int, state: PrefixState?)] = []
        var startOf: [Int] = []
        for index in inputs.indices {
            let state = known?[index]
            let length = state?.positions ?? 0
            precondition(length <= inputs[index].count, "a known state covers at most the input")
            let key = StartKey(adapterGroup: adapterGroup(index), prefix: Array(inputs[index][0..<length]))
            if startIndex[key] == nil {
                startIndex[key] = starts.count
                starts.append((key.adapterGroup, state))
            }
            startOf.append(startIndex[key]!)
        }
        // The trie holds the parts after the known prefixes; wholly known inputs need no node.
        var trieSentences: [Int] = []
        var suffixes: [[Int]] = []
        for index in inputs.indices {
            let length = known?[index]?.positions ?? 0
            if length < inputs[index].count {
                trieSentences.append(index)
                suffixes.append(Array(inputs[index][length...]))
            }
        }
        let trie = PrefixTrie(sequences: suffixes, groups: trieSentences.map { startOf[$0] })
        let nodes = trie.nodes
        let keepWanted = keep ?? []
        var keepAtNode = [[Int]](repeating: [], count: nodes.count)
        for (position, sentence) in trieSentences.enumerated()
        where keepWanted.isEmpty ? false : keepWanted[sentence] {
            keepAtNode[trie.endNode[position]].append(sentence)
        }
        var keptKeyValues = [KeyValueCache?](repeating: nil, count: inputs.count)
        // A kept state holds every position's hidden row and running log-probability (so a later
        // call can continue from any prefix of it): keep them for the nodes on a kept path.
        var onKeptPath = [Bool](repeating: false, count: nodes.count)
        for index in nodes.indices where !keepAtNode[index].isEmpty {
            var node: Int? = index
            while let current = node, !onKeptPath[current] {
                onKeptPath[current] = true
                node = nodes[current].parent
            }
        }
        var nodeHidden = [[Float]?](repeating: nil, count: nodes.count)

        // What follows each start's state: the first token of each of its root nodes, and EOS when
        // an input ends exactly there. One head row per start with a state.
        var startFollowers = [Set<Int>](repeating: [], count: starts.count)
        for node in nodes where node.parent == nil { startFollowers[node.group].insert(node.tokens[0]) }
        for index in inputs.indices where (known?[index]?.positions ?? 0) == inputs[index].count {
            startFollowers[startOf[index]].insert(config.eosTokenId)
        }
        var startBoundary = [[Int: Float]](repeating: [:], count: starts.count)
        let stated = starts.indices.filter { starts[$0].state != nil }
        if !stated.isEmpty {
            try checkpoint()
            let c = config.nEmbd
            let rows = Tensor(
                shape: [stated.count, c], storage: stated.flatMap { starts[$0].state!.finalHidden })
            let targets = stated.map { Array(startFollowers[$0]).sorted() }
            let values = targetLogProbabilities(hidden: rows, targets: targets)
            for (row, start) in stated.enumerated() {
                for (token, value) in zip(targets[row], values[row]) { startBoundary[start][token] = value }
            }
        }

        var caches = [KeyValueCache?](repeating: nil, count: nodes.count)
        // Per node: log p of each inner transition, and of each follower of the last token.
        var nodeInner = [[Float]](repeating: [], count: nodes.count)
        var boundary = [[Int: Float]](repeating: [:], count: nodes.count)
        let waves = trie.waves
        for batch in waves.flatMap({ Self.batches(of: $0, nodes: nodes) }) {
            try checkpoint()
            let past = batch.map { index in
                nodes[index].parent.flatMap { caches[$0] } ?? starts[nodes[index].group].state?.keyValues
            }
            var rng: SeededGenerator? = nil
            let keepCaches = batch.contains { !nodes[$0].children.isEmpty || !keepAtNode[$0].isEmpty }
            var routing: AdapterRouting? = nil
            if let groupNames {
                var row = 0
                var assignments: [(rows: Range<Int>, adapter: String)] = []
                for index in batch {
                    let length = nodes[index].tokens.count
                    if let name = groupNames.names[starts[nodes[index].group].adapterGroup] {
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
                let first = row
                row += node.tokens.count - 1
                nodeInner[index] = values[first..<row].map { $0[0] }
                for (follower, value) in zip(targets[row], values[row]) { boundary[index][follower] = value }
                if onKeptPath[index] {
                    let c = config.nEmbd
                    nodeHidden[index] = Array(output.hidden.storage[(first * c)..<((row + 1) * c)])
                }
                for sentence in keepAtNode[index] { keptKeyValues[sentence] = output.presents[slot] }
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
        var scores = [Float](repeating: 0, count: inputs.count)
        var kept = [PrefixState?](repeating: nil, count: inputs.count)
        for index in inputs.indices where (known?[index]?.positions ?? 0) == inputs[index].count {
            let state = known![index]!
            scores[index] = state.logProbability + startBoundary[startOf[index]][config.eosTokenId]!
        }
        // A sentence's score sums its transitions left to right from the start's running value,
        // the order a kept state's running log-probabilities use: continuing from a kept state
        // adds the same terms in the same order as scoring the sentence from scratch.
        for (position, sentence) in trieSentences.enumerated() {
            let end = trie.endNode[position]
            let start = startOf[sentence]
            let state = starts[start].state
            var path = [end]
            while let parent = nodes[path[path.count - 1]].parent { path.append(parent) }
            path.reverse()
            let keep = keptKeyValues[sentence] != nil
            var running = state?.logProbability ?? 0
            var cumulative = keep ? state?.prefixLogProbabilities ?? [] : []
            var hidden = keep ? state?.hiddenRows ?? [] : []
            for (step, node) in path.enumerated() {
                let token = nodes[node].tokens[0]
                if step > 0 {
                    running += boundary[path[step - 1]][token]!
                } else if state != nil {
                    running += startBoundary[start][token]!
                }
                if keep { cumulative.append(running) }
                for value in nodeInner[node] {
                    running += value
                    if keep { cumulative.append(running) }
                }
                if keep { hidden += nodeHidden[node]! }
            }
            scores[sentence] = running + boundary[end][config.eosTokenId]!
            if let keyValues = keptKeyValues[sentence] {
                kept[sentence] = PrefixState(
                    keyValues: keyValues, hiddenRows: hidden, prefixLogProbabilities: cumulative)
            }
        }
        let statistics = PrefixSharingStatistics(
            computedPositions: trie.computedPositions, totalPositions: inputs.reduce(0) { $0 + $1.count },
            waves: waves.count, reusedPositions: stated.reduce(0) { $0 + starts[$1].state!.positions })
        return (scores, statistics, kept)
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
