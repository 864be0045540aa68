import NeuralLM

/// Inverted dropout on an adapter's input whose mask is a pure function of a seed and the shape.
///
/// `LinearAdapter.forward` and `backward` are separate non-mutating calls, so the mask cannot be
/// stored between them; regenerating it from the same seed gives the backward pass the exact
/// mask of the forward pass. The trainer sets a new seed on every step.
enum AdapterDropout {
    /// Mask of 0 or 1/(1−p) for `count` elements.
    static func mask(seed: UInt64, count: Int, probability: Float) -> [Float] {
        var rng = SeededGenerator(seed: seed ^ (UInt64(count) &* 0x9E37_79B9_7F4A_7C15))
        let keep = 1 / (1 - probability)
        var mask = [Float](repeating: 0, count: count)
        for index in 0..<count where rng.nextUniform() >= probability { mask[index] = keep }
        return mask
    }

    /// The input with dropout applied when training (`seed` set and p > 0), else unchanged.
    static func apply(_ input: Tensor, seed: UInt64?, probability: Float) -> (Tensor, [Float]?) {
        guard let seed, probability > 0 else { return (input, nil) }
        let mask = mask(seed: seed, count: input.count, probability: probability)
        var output = input
        for index in 0..<mask.count { output.storage[index] *= mask[index] }
        return (output, mask)
    }
}
