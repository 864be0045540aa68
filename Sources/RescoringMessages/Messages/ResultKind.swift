/// `secondpass.rescoring.v1.ResultKind`: a live partial result or an utterance's final list.
public enum ResultKind: ProtoEnum {
    case unspecified
    case partial
    case final
    /// A number this build does not know, kept so relays pass it on unchanged.
    case unrecognized(Int32)

    public init(protoNumber: Int32) {
        switch protoNumber {
        case 0: self = .unspecified
        case 1: self = .partial
        case 2: self = .final
        default: self = .unrecognized(protoNumber)
        }
    }

    public var protoNumber: Int32 {
        switch self {
        case .unspecified: 0
        case .partial: 1
        case .final: 2
        case .unrecognized(let number): number
        }
    }
}
