/// One of the 39 ARPAbet phones of the CMU pronouncing dictionary.
///
/// Stress digits are not part of a phone: they live in ``Pronunciation/stresses`` so that
/// homophones and phonetic distances ignore stress, as a first-pass acoustic model mostly does.
public enum Phone: String, CaseIterable, Sendable, Hashable, Codable, Comparable {
    case aa = "AA"
    case ae = "AE"
    case ah = "AH"
    case ao = "AO"
    case aw = "AW"
    case ay = "AY"
    case b = "B"
    case ch = "CH"
    case d = "D"
    case dh = "DH"
    case eh = "EH"
    case er = "ER"
    case ey = "EY"
    case f = "F"
    case g = "G"
    case hh = "HH"
    case ih = "IH"
    case iy = "IY"
    case jh = "JH"
    case k = "K"
    case l = "L"
    case m = "M"
    case n = "N"
    case ng = "NG"
    case ow = "OW"
    case oy = "OY"
    case p = "P"
    case r = "R"
    case s = "S"
    case sh = "SH"
    case t = "T"
    case th = "TH"
    case uh = "UH"
    case uw = "UW"
    case v = "V"
    case w = "W"
    case y = "Y"
    case z = "Z"
    case zh = "ZH"

    /// Dense index in `0..<39`, used by the substitution-cost table.
    public var index: Int { Phone.indexByPhone[self]! }

    /// Whether the phone is a vowel (stress-bearing) rather than a consonant.
    public var isVowel: Bool {
        if case .vowel = features { return true }
        return false
    }

    public static func < (lhs: Phone, rhs: Phone) -> Bool { lhs.index < rhs.index }

    private static let indexByPhone: [Phone: Int] = Dictionary(
        uniqueKeysWithValues: Phone.allCases.enumerated().map { ($1, $0) })
}
