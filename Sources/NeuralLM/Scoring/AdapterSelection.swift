/// Scoring a batch whose sentences use different adapters (rescorer serving).
///
/// Adapters for serving are registered by name in each projection's `Linear.adapters`; a sentence
/// names the adapter that scores it (`nil`: the frozen base model). The packed batch is routed so
/// each sentence's rows get its adapter's delta in every projection that has it.
extension GPT2Model {
    /// Names registered in any projection's `adapters`.
    public var servingAdapterNames: Set<String> {
        var names = Set<String>()
        for block in blocks {
            for linear in [block.attention, block.attentionProjection, block.mlpExpand, block.mlpProjection] {
                names.formUnion(linear.adapters.keys)
            }
        }
        return names
    }

    /// Sentence log-probabilities (BOS/EOS framed) with a per-sentence adapter.
    public func sentenceLogProbabilities(_ sentences: [[Int]], adapters: [String?]) throws -> [Float] {
        let inputs = sentences.map { [config.bosTokenId] + $0 }
        try validate(sequences: inputs)
        _ = try adapterGroups(adapters, count: sentences.count)
        if inputs.isEmpty { return [] }
        var assignments: [(rows: Range<Int>, adapter: String)] = []
        var row = 0
        for (input, name) in zip(inputs, adapters) {
            if let name { assignments.append((row..<(row + input.count), name)) }
            row += input.count
        }
        var rng: SeededGenerator? = nil
        let hidden = trunk(
            sequences: inputs, dropout: &rng, routing: AdapterRouting(assignments: assignments)
        ).hidden
        var targets: [[Int]] = []
        for sentence in sentences { targets += sentence.map { [$0] } + [[config.eosTokenId]] }
        let values = targetLogProbabilities(hidden: hidden, targets: targets)
        var result: [Float] = []
        var start = 0
        for input in inputs {
            result.append(values[start..<(start + input.count)].reduce(0) { $0 + $1[0] })
            start += input.count
        }
        return result
    }

    /// Validates adapter names and numbers the distinct ones (group 0 … n−1; `names[g]` is the
    /// adapter of group g, `nil` for the base model). Returns `nil` when no adapters are given.
    func adapterGroups(_ adapters: [String?]?, count: Int) throws -> (groups: [Int], names: [String?])? {
        guard let adapters else { return nil }
        guard adapters.count == count else {
            throw NeuralLMError(.invalidInput, "\(adapters.count) adapter names for \(count) sentences")
        }
        let known = servingAdapterNames
        var groupOf: [String?: Int] = [:]
        var names: [String?] = []
        var groups: [Int] = []
        for name in adapters {
            if let name, !known.contains(name) {
                throw NeuralLMError(.invalidInput, "no adapter named \"\(name)\" is registered")
            }
            if groupOf[name] == nil {
                groupOf[name] = names.count
                names.append(name)
            }
            groups.append(groupOf[name]!)
        }
        return (groups, names)
    }
}
