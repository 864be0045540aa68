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

    /// Dense index in `0..<39` (the order of `allCases`), used by the cost tables.
    public var index: Int {
        switch self {
        case .aa: 0
        case .ae: 1
        case .ah: 2
        case .ao: 3
        case .aw: 4
        case .ay: 5
        case .b: 6
        case .ch: 7
        case .d: 8
        case .dh: 9
        case .eh: 10
        case .er: 11
        case .ey: 12
        case .f: 13
        case .g: 14
        case .hh: 15
        case .ih: 16
        case .iy: 17
        case .jh: 18
        case .k: 19
        case .l: 20
        case .m: 21
        case .n: 22
        case .ng: 23
        case .ow: 24
        case .oy: 25
        case .p: 26
        case .r: 27
        case .s: 28
        case .sh: 29
        case .t: 30
        case .th: 31
        case .uh: 32
        case .uw: 33
        case .v: 34
        case .w: 35
        case .y: 36
        case .z: 37
        case .zh: 38
        }
    }

    /// Whether the phone is a vowel (stress-bearing) rather than a consonant.
    public var isVowel: Bool {
        if case .vowel = features { return true }
        return false
    }

    public static func < (lhs: Phone, rhs: Phone) -> Bool { lhs.index < rhs.index }
}
