/// A proto3 enum as a Swift enum that keeps numbers it does not know.
///
/// proto3 enums are open: a newer peer may send a value this build has no case for, and a
/// relay must pass it on unchanged, so every conforming enum has an `unrecognized(Int32)` case.
public protocol ProtoEnum: Sendable, Hashable {
    init(protoNumber: Int32)
    var protoNumber: Int32 { get }
}
