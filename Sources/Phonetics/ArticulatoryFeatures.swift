/// Articulatory description of a phone, the basis of phonetic substitution costs.
///
/// Features are placed on ordinal scales (place front to back, manner from most to least
/// obstructed, vowel height and backness) so that a weighted sum of coordinate differences is
/// a metric: substitution costs then obey the triangle inequality, and so does the weighted
/// edit distance built on them.
public enum ArticulatoryFeatures: Sendable, Hashable {
    /// A consonant: place of articulation, manner and voicing.
    case consonant(place: Place, manner: Manner, voiced: Bool)
    /// A vowel: tongue height and backness (start of a diphthong), lip rounding, whether the
    /// vowel glides (diphthong) and whether it is r-coloured.
    case vowel(height: Double, backness: Double, rounded: Bool, diphthong: Bool, rhotic: Bool)

    /// Place of articulation, ordered from the lips to the glottis.
    public enum Place: Int, Sendable, Hashable, CaseIterable {
        case bilabial, labiodental, dental, alveolar, postalveolar, palatal, velar, glottal
    }

    /// Manner of articulation, ordered so neighbours are acoustically confusable
    /// (fricative–affricate–stop–nasal–liquid–glide).
    public enum Manner: Int, Sendable, Hashable, CaseIterable {
        case fricative, affricate, stop, nasal, liquid, glide
    }
}

extension Phone {
    /// The articulatory features of this phone (General American values).
    public var features: ArticulatoryFeatures {
        switch self {
        case .p: .consonant(place: .bilabial, manner: .stop, voiced: false)
        case .b: .consonant(place: .bilabial, manner: .stop, voiced: true)
        case .m: .consonant(place: .bilabial, manner: .nasal, voiced: true)
        case .w: .consonant(place: .bilabial, manner: .glide, voiced: true)
        case .f: .consonant(place: .labiodental, manner: .fricative, voiced: false)
        case .v: .consonant(place: .labiodental, manner: .fricative, voiced: true)
        case .th: .consonant(place: .dental, manner: .fricative, voiced: false)
        case .dh: .consonant(place: .dental, manner: .fricative, voiced: true)
        case .t: .consonant(place: .alveolar, manner: .stop, voiced: false)
        case .d: .consonant(place: .alveolar, manner: .stop, voiced: true)
        case .s: .consonant(place: .alveolar, manner: .fricative, voiced: false)
        case .z: .consonant(place: .alveolar, manner: .fricative, voiced: true)
        case .n: .consonant(place: .alveolar, manner: .nasal, voiced: true)
        case .l: .consonant(place: .alveolar, manner: .liquid, voiced: true)
        case .r: .consonant(place: .postalveolar, manner: .liquid, voiced: true)
        case .sh: .consonant(place: .postalveolar, manner: .fricative, voiced: false)
        case .zh: .consonant(place: .postalveolar, manner: .fricative, voiced: true)
        case .ch: .consonant(place: .postalveolar, manner: .affricate, voiced: false)
        case .jh: .consonant(place: .postalveolar, manner: .affricate, voiced: true)
        case .y: .consonant(place: .palatal, manner: .glide, voiced: true)
        case .k: .consonant(place: .velar, manner: .stop, voiced: false)
        case .g: .consonant(place: .velar, manner: .stop, voiced: true)
        case .ng: .consonant(place: .velar, manner: .nasal, voiced: true)
        case .hh: .consonant(place: .glottal, manner: .fricative, voiced: false)
        case .iy: .vowel(height: 0, backness: 0, rounded: false, diphthong: false, rhotic: false)
        case .ih: .vowel(height: 0.5, backness: 0.25, rounded: false, diphthong: false, rhotic: false)
        case .ey: .vowel(height: 1, backness: 0, rounded: false, diphthong: true, rhotic: false)
        case .eh: .vowel(height: 2, backness: 0, rounded: false, diphthong: false, rhotic: false)
        case .ae: .vowel(height: 3, backness: 0, rounded: false, diphthong: false, rhotic: false)
        case .aa: .vowel(height: 3, backness: 2, rounded: false, diphthong: false, rhotic: false)
        case .ao: .vowel(height: 2, backness: 2, rounded: true, diphthong: false, rhotic: false)
        case .ow: .vowel(height: 1, backness: 2, rounded: true, diphthong: true, rhotic: false)
        case .uh: .vowel(height: 0.5, backness: 1.75, rounded: true, diphthong: false, rhotic: false)
        case .uw: .vowel(height: 0, backness: 2, rounded: true, diphthong: false, rhotic: false)
        case .ah: .vowel(height: 2, backness: 1, rounded: false, diphthong: false, rhotic: false)
        case .er: .vowel(height: 1.5, backness: 1, rounded: false, diphthong: false, rhotic: true)
        case .ay: .vowel(height: 3, backness: 1, rounded: false, diphthong: true, rhotic: false)
        case .aw: .vowel(height: 3, backness: 1.5, rounded: false, diphthong: true, rhotic: false)
        case .oy: .vowel(height: 2, backness: 2, rounded: true, diphthong: true, rhotic: false)
        }
    }
}
