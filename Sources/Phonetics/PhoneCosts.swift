/// Substitution, insertion and deletion costs between ARPAbet phones.
///
/// Costs lie in [0, 1]; identical phones cost 0, any vowel/consonant swap costs 1.
/// Within a class the cost is a base of 0.1 plus weighted feature differences:
///
/// - consonants: 0.35 × place distance / 7 + 0.4 × manner distance / 5 + 0.15 × voicing;
///   so `B`/`P` (voicing only) costs 0.25 while `B`/`S` costs about 0.57;
/// - vowels: 0.35 × height distance / 3 + 0.25 × backness distance / 2 + 0.1 each for
///   rounding, diphthong and r-colouring mismatches (capped at 1).
///
/// Inserting or deleting a phone costs 0.6, except the weak phones `HH` and `AH` (often
/// dropped or epenthesised in fast speech), which cost 0.4. Every substitution of ordinary phones
/// costs at most an insertion plus a deletion (1 ≤ 1.2), so the edit distance aligns similar
/// phones rather than deleting and re-inserting them.
public struct PhoneCosts: Sendable {
    /// Cost of inserting or deleting an ordinary phone.
    public static let indelCost = 0.6
    /// Cost of inserting or deleting a weak phone (`HH`, `AH`).
    public static let weakIndelCost = 0.4

    /// The shared table, computed once.
    public static let standard = PhoneCosts()

    /// Row-major 39 × 39 substitution costs by `Phone.index`.
    let substitutionTable: [Double]
    /// Insertion/deletion cost by `Phone.index`.
    let indelTable: [Double]

    private init() {
        let phones = Phone.allCases
        var table = [Double](repeating: 0, count: phones.count * phones.count)
        for a in phones {
            for b in phones {
                table[a.index * phones.count + b.index] = Self.computeSubstitution(a, b)
            }
        }
        substitutionTable = table
        indelTable = phones.map { $0 == .hh || $0 == .ah ? Self.weakIndelCost : Self.indelCost }
    }

    /// Cost of recognising phone `b` where `a` was spoken (symmetric).
    @inline(__always)
    public func substitution(_ a: Phone, _ b: Phone) -> Double {
        substitutionTable[a.index &* 39 &+ b.index]
    }

    /// Cost of inserting or deleting `phone`.
    @inline(__always)
    public func indel(_ phone: Phone) -> Double { indelTable[phone.index] }

    /// The smallest insertion/deletion cost of any phone (used to bound length differences).
    public var minimumIndel: Double { Self.weakIndelCost }

    private static func computeSubstitution(_ a: Phone, _ b: Phone) -> Double {
        if a == b { return 0 }
        switch (a.features, b.features) {
        case (.consonant(let p1, let m1, let v1), .consonant(let p2, let m2, let v2)):
            let place = Double(abs(p1.rawValue - p2.rawValue)) / 7
            let manner = Double(abs(m1.rawValue - m2.rawValue)) / 5
            return 0.1 + 0.35 * place + 0.4 * manner + (v1 == v2 ? 0 : 0.15)
        case (.vowel(let h1, let b1, let r1, let d1, let x1), .vowel(let h2, let b2, let r2, let d2, let x2)):
            var cost = 0.1 + 0.35 * abs(h1 - h2) / 3 + 0.25 * abs(b1 - b2) / 2
            if r1 != r2 { cost += 0.1 }
            if d1 != d2 { cost += 0.1 }
            if x1 != x2 { cost += 0.1 }
            return min(cost, 1)
        default:
            return 1
        }
    }
}
