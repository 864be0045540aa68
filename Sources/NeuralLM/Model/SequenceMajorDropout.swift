/// Training-mode dropout masks of a packed batch, drawn sequence by sequence.
///
/// The trunk normally draws each mask for the whole batch at the point of use (layer by layer),
/// so a sequence's masks depend on which sequences share its batch. Drawn here instead, each
/// sequence takes its masks in the order a batch holding it alone would (embeddings, then per
/// layer: attention probabilities, attention output, MLP output) before the next sequence
/// starts, so one pass over many sequences draws exactly what one pass per sequence, in order,
/// with the same generator would. Batched MWER relies on this to equal its per-hypothesis loop.
struct SequenceMajorDropout {
    /// `[rows, C]` embedding mask, when `embd_pdrop` > 0.
    var embedding: [Float]?
    /// Per layer, one `[heads, L, past+L]` probability mask per segment, when `attn_pdrop` > 0.
    var probabilities: [[[Float]]]?
    /// Per layer, `[rows, C]` masks of the attention and MLP outputs, when `resid_pdrop` > 0.
    var attentionOutput: [[Float]]?
    var mlpOutput: [[Float]]?

    init(config: GPT2Config, segments: [PackedSegment], rng: inout SeededGenerator) {
        let c = config.nEmbd
        let layers = config.nLayer
        let rows = segments.reduce(0) { $0 + $1.length }
        if config.embdPdrop > 0 { embedding = [Float](repeating: 0, count: rows * c) }
        if config.attnPdrop > 0 { probabilities = Array(repeating: [], count: layers) }
        if config.residPdrop > 0 {
            attentionOutput = Array(repeating: [Float](repeating: 0, count: rows * c), count: layers)
            mlpOutput = attentionOutput
        }
        func place(_ mask: [Float], in target: inout [Float], at segment: PackedSegment) {
            target.replaceSubrange(
                (segment.rowStart * c)..<((segment.rowStart + segment.length) * c), with: mask)
        }
        for segment in segments {
            let count = segment.length * c
            if embedding != nil {
                place(
                    Dropout.mask(count: count, probability: config.embdPdrop, rng: &rng), in: &embedding!,
                    at: segment)
            }
            for layer in 0..<layers {
                if probabilities != nil {
                    probabilities![layer].append(
                        Dropout.mask(
                            count: config.nHead * segment.length * (segment.pastLength + segment.length),
                            probability: config.attnPdrop, rng: &rng))
                }
                if attentionOutput != nil {
                    place(
                        Dropout.mask(count: count, probability: config.residPdrop, rng: &rng),
                        in: &attentionOutput![layer], at: segment)
                    place(
                        Dropout.mask(count: count, probability: config.residPdrop, rng: &rng),
                        in: &mlpOutput![layer], at: segment)
                }
            }
        }
    }
}
