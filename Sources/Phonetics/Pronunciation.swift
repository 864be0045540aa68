/// One pronunciation of a word: a phone sequence with optional lexical stress.
///
/// Stress is kept apart from the phones so that equality of ``phones`` is "same sound, stress
/// ignored", the definition of a homophone used throughout the project.
public struct Pronunciation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The phones, stress removed.
    public var phones: [Phone]
    /// For stress-marked dictionaries, one digit (0, 1 or 2) per phone, `nil` for consonants;
    /// `nil` as a whole when the source dictionary has no stress marks.
    public var stresses: [UInt8?]?

    public init(phones: [Phone], stresses: [UInt8?]? = nil) {
        self.phones = phones
        self.stresses = stresses
    }

    /// ARPAbet text, with stress digits when present (`AH0 B EY1 T`).
    public var description: String {
        phones.enumerated().map { index, phone in
            if let digit = stresses?[index] ?? nil { return "\(phone.rawValue)\(digit)" }
            return phone.rawValue
        }.joined(separator: " ")
    }
}
