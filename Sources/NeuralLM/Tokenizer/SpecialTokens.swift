/// The reserved tokens of SecondPass tokenizers and their fixed ids.
///
/// They occupy ids 0–3 of every vocabulary we train. `<|bos|>` starts and `<|eos|>` ends each
/// sentence the language model scores; `<|pad|>` fills batches and is never a target. `<|unk|>`
/// exists for compatibility only: byte-level BPE spells every byte string, so encoding never produces
/// it. Text containing a special token's literal spelling is encoded to that token, as Hugging Face
/// `tokenizers` does.
public enum SpecialToken: String, CaseIterable, Sendable {
    case pad = "<|pad|>"
    case bos = "<|bos|>"
    case eos = "<|eos|>"
    case unk = "<|unk|>"

    /// The id of this token in vocabularies built by `BPETrainer`.
    public var defaultID: Int {
        switch self {
        case .pad: 0
        case .bos: 1
        case .eos: 2
        case .unk: 3
        }
    }
}
