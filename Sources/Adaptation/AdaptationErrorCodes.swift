public import NeuralLM

/// The failures only adapters have; the others (`invalidConfiguration`, `corruptFile`,
/// `ioFailure`) are `NeuralLMError`'s own codes with the same meaning.
extension NeuralLMError.Code {
    /// An adapter file does not fit the base model (shapes, modules, fingerprint).
    public static let baseMismatch = Self("baseMismatch")
    /// Training data is malformed (empty list, missing token ids, bad JSON line).
    public static let invalidData = Self("invalidData")
}
