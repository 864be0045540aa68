import SeededRandom

extension SplitMix64 {
    /// A random sentence of `0...maxWords` words from a small vocabulary (so errors are frequent).
    mutating func sentence(maxWords: Int, vocabulary: [String]) -> String {
        let count = Int.random(in: 0...maxWords, using: &self)
        return (0..<count).map { _ in vocabulary.randomElement(using: &self)! }.joined(separator: " ")
    }
}
