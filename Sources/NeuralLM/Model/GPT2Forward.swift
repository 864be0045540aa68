/// The transformer's forward pass over packed batches.
extension GPT2Model {
    /// Result of running the transformer trunk.
    struct TrunkOutput {
        /// ln_f output `[rows, C]`.
        var hidden: Tensor
        var trace: ForwardTrace?
        /// Per segment, the full keys/values of every layer (prefix + new rows).
        var presents: [KeyValueCache]
    }

    /// Checks token ids and lengths against the configuration.
    func validate(sequences: [[Int]], pastLengths: [Int]? = nil) throws {
        for (index, sequence) in sequences.enumerated() {
            let past = pastLengths?[index] ?? 0
            guard !sequence.isEmpty else {
                throw NeuralLMError(.invalidInput, "sequence \(index) is empty")
            }
            guard past + sequence.count <= config.nPositions else {
                throw NeuralLMError(
                    .invalidInput,
                    "sequence \(index) needs \(past + sequence.count) positions, model has \(config.nPositions)"
                )
            }
            if let bad = sequence.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
                throw NeuralLMError(
                    .invalidInput, "sequence \(index) has token id \(bad) outside 0..<\(config.vocabSize)")
            }
        }
    }

    /// Runs embeddings, blocks and ln_f over packed sequences.
    ///
    /// - Parameters:
    ///   - sequences: token ids per segment (validated by the caller).
    ///   - past: optional cached prefix per segment.
    ///   - keepTrace: keep activations for `backward`.
    ///   - dropout: when non-nil, training-mode dropout with this generator.
    ///   - sequenceMajorDropout: draw every mask sequence by sequence before the pass (see
    ///     `SequenceMajorDropout`) instead of layer by layer over the whole batch.
    func trunk(
        sequences: [[Int]], past: [KeyValueCache?]? = nil, keepTrace: Bool = false,
        returnPresents: Bool = false,
        dropout: inout SeededGenerator?, sequenceMajorDropout: Bool = false, routing: AdapterRouting? = nil
    ) -> TrunkOutput {
        let c = config.nEmbd
        var segments: [PackedSegment] = []
        var tokens: [Int] = []
        var positions: [Int] = []
        for (index, sequence) in sequences.enumerated() {
            let pastLength = past?[index]?.length ?? 0
            segments.append(
                PackedSegment(rowStart: tokens.count, length: sequence.count, pastLength: pastLength))
            tokens += sequence
            positions += (0..<sequence.count).map { pastLength + $0 }
        }
        let rows = tokens.count
        let plan: SequenceMajorDropout? =
            sequenceMajorDropout && dropout != nil
            ? SequenceMajorDropout(config: config, segments: segments, rng: &dropout!) : nil
        var x = Tensor(zeros: [rows, c])
        x.withUnsafeMutablePointer { out in
            tokenEmbedding.withUnsafePointer { wte in
                positionEmbedding.withUnsafePointer { wpe in
                    ParallelChunks.forEachRowRange(rows: rows, width: c) { range in
                        for row in range {
                            let t = tokens[row] * c
                            let p = positions[row] * c
                            for j in 0..<c { out[row * c + j] = wte[t + j] + wpe[p + j] }
                        }
                    }
                }
            }
        }
        var embeddingMask: [Float]? = nil
        if let plan {
            embeddingMask = plan.embedding
        } else if dropout != nil, config.embdPdrop > 0 {
            embeddingMask = Dropout.mask(count: x.count, probability: config.embdPdrop, rng: &dropout!)
        }
        if let embeddingMask { Dropout.apply(embeddingMask, to: &x) }
        var blockTraces: [BlockTrace] = []
        var presentKeys: [[Tensor]] = Array(repeating: [], count: segments.count)
        var presentValues: [[Tensor]] = Array(repeating: [], count: segments.count)
        for (layer, block) in blocks.enumerated() {
            let input = x
            let ln1 = LayerNormKernel.forward(
                input: x, gamma: block.ln1.weight, beta: block.ln1.bias, epsilon: config.layerNormEpsilon)
            let qkv = block.attention.forward(ln1.output, routing: routing)
            let layerPast = past.map { caches in
                caches.map { cache in cache.map { (keys: $0.keys[layer], values: $0.values[layer]) } }
            }
            var probabilityMasks: [[Float]]? = nil
            if let plan {
                probabilityMasks = plan.probabilities?[layer]
            } else if dropout != nil, config.attnPdrop > 0 {
                probabilityMasks = segments.map { segment in
                    Dropout.mask(
                        count: config.nHead * segment.length * (segment.pastLength + segment.length),
                        probability: config.attnPdrop, rng: &dropout!)
                }
            }
            let attention = AttentionKernel.forward(
                qkv: qkv, segments: segments, past: layerPast, heads: config.nHead,
                keepProbabilities: keepTrace,
                returnPresents: returnPresents, dropoutMasks: probabilityMasks)
            if returnPresents {
                for (index, present) in attention.presents.enumerated() {
                    presentKeys[index].append(present.keys)
                    presentValues[index].append(present.values)
                }
            }
            var projected = block.attentionProjection.forward(attention.output, routing: routing)
            var attentionMask: [Float]? = nil
            if let plan {
                attentionMask = plan.attentionOutput?[layer]
            } else if dropout != nil, config.residPdrop > 0 {
                attentionMask = Dropout.mask(
                    count: projected.count, probability: config.residPdrop, rng: &dropout!)
            }
            if let attentionMask { Dropout.apply(attentionMask, to: &projected) }
            x.add(projected)
            let middle = x
            let ln2 = LayerNormKernel.forward(
                input: x, gamma: block.ln2.weight, beta: block.ln2.bias, epsilon: config.layerNormEpsilon)
            let expanded = block.mlpExpand.forward(ln2.output, routing: routing)
            let activated = GELUKernel.forward(expanded)
            var mlpOut = block.mlpProjection.forward(activated, routing: routing)
            var mlpMask: [Float]? = nil
            if let plan {
                mlpMask = plan.mlpOutput?[layer]
            } else if dropout != nil, config.residPdrop > 0 {
                mlpMask = Dropout.mask(count: mlpOut.count, probability: config.residPdrop, rng: &dropout!)
            }
            if let mlpMask { Dropout.apply(mlpMask, to: &mlpOut) }
            x.add(mlpOut)
            if keepTrace {
                blockTraces.append(
                    BlockTrace(
                        input: input, ln1Output: ln1.output, ln1Mean: ln1.mean, ln1Rstd: ln1.rstd, qkv: qkv,
                        probabilities: attention.probabilities, probabilityDropout: probabilityMasks,
                        attentionOutput: attention.output,
                        attentionDropout: attentionMask, middle: middle, ln2Output: ln2.output,
                        ln2Mean: ln2.mean,
                        ln2Rstd: ln2.rstd, expanded: expanded, activated: activated, mlpDropout: mlpMask))
            }
        }
        let final = LayerNormKernel.forward(
            input: x, gamma: finalNorm.weight, beta: finalNorm.bias, epsilon: config.layerNormEpsilon)
        let trace =
            keepTrace
            ? ForwardTrace(
                tokens: tokens, positions: positions, segments: segments, embeddingDropout: embeddingMask,
                blocks: blockTraces, finalInput: x, finalMean: final.mean, finalRstd: final.rstd) : nil
        var presents: [KeyValueCache] = []
        if returnPresents {
            for index in segments.indices {
                presents.append(
                    KeyValueCache(
                        keys: presentKeys[index], values: presentValues[index],
                        length: segments[index].pastLength + segments[index].length))
            }
        }
        return TrunkOutput(hidden: final.output, trace: trace, presents: presents)
    }

    /// Logits `[rows, vocab]` of the tied output head for hidden states `[rows, C]`.
    func logits(hidden: Tensor) -> Tensor {
        BLAS.matmul(hidden, tokenEmbedding, transposeB: true)
    }
}
